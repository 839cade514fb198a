/**
 * A ping load and a matchmaker for chaos tests, each keeping a ledger of what it was told, so a
 * test can say after a fault what every room's status must be and whether any room was handed
 * out twice.
 */
import { create, type Message } from '@bufbuild/protobuf';
import {
  credentials,
  makeGenericClientConstructor,
  type Client,
  type ServiceError,
} from '@grpc/grpc-js';
import { grpcClientDefinition } from '../../../src/api/shared/grpc-service';
import {
  AllocateRoomRequestSchema,
  RoomsService,
  UpdateRoomWithPingRequestSchema,
} from '../../../src/gen/api/v1/rooms_pb';
import { call, type RoomsApiHarness } from '../../support/rooms-api-server';

export type ReportedStatus = 'ready' | 'occupied';

/** One answer of the Rooms API, kept for the test's assertions. */
export interface Answer {
  status: number;
  body: unknown;
}

/** What a room has been told: its last acknowledged report, and reports whose fate is unknown. */
interface RoomLedger {
  /** Unset until a report is acknowledged: the room is then still as it was created. */
  lastAcknowledged?: ReportedStatus;
  /** Reports answered `success: false` (not recorded). */
  refusals: number;
  /** Reports sent after the last acknowledged one that failed: Redis may have applied them. */
  unacknowledged: Set<ReportedStatus>;
  isAllocated: boolean;
}

/**
 * Rooms pinging the real Rooms API over HTTP every `intervalMs`: a room reports `ready` or
 * `occupied` at random, and `occupied` once a matchmaker got it (as a game does when players
 * arrive). Rooms go on pinging after being deleted, like a process that has not exited yet.
 */
export class PingLoad {
  readonly answers: Answer[] = [];
  private readonly ledgers = new Map<string, RoomLedger>();
  private timer?: NodeJS.Timeout;
  private inFlight = new Set<Promise<void>>();

  constructor(
    private readonly api: Pick<RoomsApiHarness, 'baseUrl'>,
    private readonly scheduler: string,
    roomIds: readonly string[],
    private readonly intervalMs = 200,
  ) {
    for (const id of roomIds)
      this.ledgers.set(id, { unacknowledged: new Set(), isAllocated: false, refusals: 0 });
  }

  start(): void {
    this.timer = setInterval(() => {
      for (const id of this.ledgers.keys()) this.track(this.ping(id));
    }, this.intervalMs);
  }

  /** Stops pinging and waits for the pings in flight. */
  async pause(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all([...this.inFlight]);
  }

  /** A matchmaker got this room: from now on it reports `occupied`. */
  allocated(roomId: string): void {
    const ledger = this.ledgers.get(roomId);
    if (ledger) ledger.isAllocated = true;
  }

  /**
   * The statuses the room may have now: exactly one when its last report was acknowledged,
   * more when later reports failed in a way that may or may not have reached Redis.
   */
  possibleStatuses(roomId: string): Set<string> {
    const ledger = this.ledgers.get(roomId)!;
    const reports = [ledger.lastAcknowledged, ...ledger.unacknowledged];
    return new Set(
      reports.map((report) => {
        if (report === undefined) return 'unready'; // never acknowledged: as created
        if (report === 'occupied') return 'occupied';
        return ledger.isAllocated ? 'allocated' : 'ready';
      }),
    );
  }

  private track(ping: Promise<void>): void {
    this.inFlight.add(ping);
    const done = () => void this.inFlight.delete(ping);
    ping.then(done, done);
  }

  private async ping(roomId: string): Promise<void> {
    const ledger = this.ledgers.get(roomId)!;
    const status: ReportedStatus = ledger.isAllocated || Math.random() < 0.3 ? 'occupied' : 'ready';
    const answer = await call(
      this.api,
      'PUT',
      `/scheduler/${this.scheduler}/rooms/${roomId}/ping`,
      {
        status,
        timestamp: Math.floor(Date.now() / 1000),
        runningMatches: status === 'occupied' ? 1 : 0,
      },
    ).catch((error: unknown) => noAnswer(error));
    this.answers.push(answer);
    if (answer.status === 200 && (answer.body as { success?: unknown }).success === true) {
      ledger.lastAcknowledged = status;
      ledger.unacknowledged.clear();
    } else if (answer.status !== 200) {
      ledger.unacknowledged.add(status);
    } else {
      // `success: false` is a refusal the Rooms API decided on: the report was not recorded.
      ledger.refusals += 1;
    }
  }
}

/**
 * A request that got no HTTP answer (the connection failed or was reset): status 0, so the
 * assertions on the statuses a room or matchmaker may see report it instead of the run crashing
 * on an unhandled rejection. A ping without an answer may or may not have reached Redis.
 */
function noAnswer(error: unknown): Answer {
  const cause = (error as { cause?: { code?: string } }).cause?.code;
  return { status: 0, body: `no answer: ${cause ?? String(error)}` };
}

/** A matchmaker allocating rooms of one scheduler in a loop, keeping every answer. */
export class Matchmaker {
  readonly answers: Answer[] = [];
  private isRunning = false;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly api: Pick<RoomsApiHarness, 'baseUrl'>,
    private readonly scheduler: string,
    private readonly onAllocated: (roomId: string) => void,
    private readonly intervalMs = 250,
  ) {}

  start(): void {
    this.isRunning = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.isRunning = false;
    await this.loop;
  }

  /** The room ids handed out, in order (a room listed twice was handed out twice). */
  allocatedRoomIds(): string[] {
    return this.answers
      .filter((answer) => answer.status === 200)
      .map((answer) => (answer.body as { roomId: string }).roomId);
  }

  private async run(): Promise<void> {
    while (this.isRunning) {
      // Two matchmakers at once, as concurrent callers race for the same ready rooms.
      await Promise.all([this.allocate(), this.allocate()]);
      await new Promise((resolve) => setTimeout(resolve, this.intervalMs));
    }
  }

  private async allocate(): Promise<void> {
    const answer = await call(
      this.api,
      'POST',
      `/scheduler/${this.scheduler}/rooms/allocate`,
      {},
    ).catch((error: unknown) => noAnswer(error));
    this.answers.push(answer);
    if (answer.status === 200) this.onAllocated((answer.body as { roomId: string }).roomId);
  }
}

/**
 * One ping and one allocation over native gRPC; resolves with the gRPC status each failed with
 * (`{ code: 0 }` for a success).
 */
export async function grpcPingAndAllocate(
  grpcAddress: string,
  scheduler: string,
  roomId: string,
): Promise<{ ping: GrpcOutcome; allocate: GrpcOutcome }> {
  const Constructor = makeGenericClientConstructor(
    grpcClientDefinition(RoomsService),
    'RoomsService',
  );
  const client = new Constructor(grpcAddress, credentials.createInsecure()) as unknown as Record<
    string,
    (request: Message, callback: (error: ServiceError | null) => void) => void
  > &
    Client;
  const invoke = (method: string, request: Message) =>
    new Promise<GrpcOutcome>((resolve) =>
      client[method]!.call(client, request, (error) =>
        resolve(error ? { code: error.code, details: error.details } : { code: 0 }),
      ),
    );
  try {
    return {
      ping: await invoke(
        'updateRoomWithPing',
        create(UpdateRoomWithPingRequestSchema, {
          schedulerName: scheduler,
          roomName: roomId,
          status: 'ready',
        }),
      ),
      allocate: await invoke(
        'allocateRoom',
        create(AllocateRoomRequestSchema, { schedulerName: scheduler }),
      ),
    };
  } finally {
    client.close();
  }
}

export interface GrpcOutcome {
  code: number;
  details?: string;
}
