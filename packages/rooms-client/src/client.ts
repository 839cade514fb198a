import type { ChannelCredentials } from '@grpc/grpc-js';
import { RoomsService } from './gen/api/v1/rooms_pb';
import { RoomsApiError, RoomsConnectionError, RoomsErrorCode } from './errors';
import { GrpcTransport } from './grpc-transport';
import { HttpTransport } from './http-transport';
import type { CallOptions, RoomsTransport } from './transport';
import type {
  AllocatedRoom,
  ForwardResult,
  PlayerEvent,
  RoomAddress,
  RoomEvent,
  RoomPort,
  RoomReport,
} from './types';

export interface RoomsClientOptions {
  /**
   * The Rooms API: `http://rooms-api:8070` for HTTP; `rooms-api:8071` (or `https://…` for TLS)
   * for gRPC.
   */
  address: string;
  /** Default `http`. */
  transport?: 'http' | 'grpc';
  /**
   * The room's token (`MAESTRO_ROOM_TOKEN`), sent as `authorization: Bearer …` on every call about
   * a room when set; the Rooms API demands it when room authentication is on.
   */
  roomToken?: string;
  /**
   * A matchmaker's credential (an API key `mk_…` or an OpenID Connect token), sent as
   * `authorization: Bearer …` on `allocate` when set; demanded when matchmaker authentication is on.
   */
  token?: string;
  /** Per attempt; default 5 s. */
  timeoutMs?: number;
  /** Further attempts where repeating is safe (see each method); default 2. */
  retries?: number;
  /** HTTP only; default the global `fetch`. */
  fetch?: typeof fetch;
  /** gRPC only: channel credentials (TLS with your CA, mTLS). */
  grpcCredentials?: ChannelCredentials;
}

/** When a failed call may be sent again. */
type RetryPolicy =
  /** Repeating it does no harm (the ping stores the latest report; reads). */
  | 'idempotent'
  /** Only when the server surely did nothing: refused by a rate limit, or never sent. */
  | 'unsent';

/**
 * Maestro v1's Rooms API (`api.v1.RoomsService`), typed, over HTTP/JSON or native gRPC. Errors the
 * server answers throw `RoomsApiError` (gRPC code, HTTP status, message); no answer throws
 * `RoomsConnectionError`.
 */
export class RoomsClient {
  private readonly transport: RoomsTransport;
  private readonly timeoutMs: number;
  private readonly retries: number;

  constructor(private readonly options: RoomsClientOptions) {
    this.transport =
      options.transport === 'grpc'
        ? new GrpcTransport({
            address: options.address,
            ...(options.grpcCredentials && { credentials: options.grpcCredentials }),
          })
        : new HttpTransport({
            address: options.address,
            ...(options.fetch && { fetch: options.fetch }),
          });
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.retries = options.retries ?? 2;
  }

  /** Which wire this client speaks. */
  get transportKind(): 'http' | 'grpc' {
    return this.transport.kind;
  }

  /**
   * Reports the room's status (its heartbeat): true when the API recorded it, false when it
   * refused it (unknown scheduler or room, a transition Maestro forbids). Repeated after a
   * timeout, an unreachable server, 503 or 429: a repeated ping stores the same report.
   */
  async ping(scheduler: string, roomId: string, report: RoomReport): Promise<boolean> {
    const request = { schedulerName: scheduler, roomName: roomId, ...reportFields(report) };
    const answer = await this.retrying('idempotent', () =>
      this.transport.call(RoomsService.method.updateRoomWithPing, request, this.roomCall()),
    );
    return answer.success;
  }

  /**
   * Maestro v9's status report: forwards a status event without storing it. Not repeated once
   * sent (the backend would get the event twice).
   */
  async updateStatus(scheduler: string, roomId: string, report: RoomReport): Promise<boolean> {
    const request = { schedulerName: scheduler, roomName: roomId, ...reportFields(report) };
    const answer = await this.retrying('unsent', () =>
      this.transport.call(RoomsService.method.updateRoomStatus, request, this.roomCall()),
    );
    return answer.success;
  }

  /** Forwards a room event to the scheduler's forwarders; not repeated once sent. */
  async roomEvent(scheduler: string, roomId: string, event: RoomEvent): Promise<ForwardResult> {
    const request = {
      schedulerName: scheduler,
      roomName: roomId,
      event: event.event,
      timestamp: BigInt(event.timestamp ?? nowSeconds()),
      ...(event.metadata && { metadata: event.metadata }),
    };
    const { success, message } = await this.retrying('unsent', () =>
      this.transport.call(RoomsService.method.forwardRoomEvent, request, this.roomCall()),
    );
    return { success, message };
  }

  /** Forwards a player event (`playerJoin`, `playerLeft`); not repeated once sent. */
  async playerEvent(scheduler: string, roomId: string, event: PlayerEvent): Promise<ForwardResult> {
    const request = {
      schedulerName: scheduler,
      roomName: roomId,
      event: event.event,
      timestamp: BigInt(event.timestamp ?? nowSeconds()),
      metadata: { ...event.metadata, playerId: event.playerId },
    };
    const { success, message } = await this.retrying('unsent', () =>
      this.transport.call(RoomsService.method.forwardPlayerEvent, request, this.roomCall()),
    );
    return { success, message };
  }

  /** The room's public host and ports (Maestro v9's route); a read, repeated when it fails. */
  async address(scheduler: string, roomId: string): Promise<RoomAddress> {
    const request = { schedulerName: scheduler, roomName: roomId };
    const answer = await this.retrying('idempotent', () =>
      this.transport.call(RoomsService.method.getRoomAddress, request, this.roomCall()),
    );
    return { host: answer.host, ports: answer.ports.map(toPort) };
  }

  /**
   * Takes a ready room of the scheduler and marks it allocated. Throws `RoomsApiError` with
   * `isNoReadyRooms` when there is none. Repeated only when the server surely did nothing (a rate
   * limit's 429, a refused connection): after a timeout or a 503 a room may have been allocated,
   * and a second attempt would take another one. With `waitMs`, the server waits up to that long
   * for a room to turn ready (at most 120 000; the call's deadline grows by as much); absent, the
   * scheduler's default applies (a wait only for `min: 0` schedulers).
   */
  async allocate(scheduler: string, options: { waitMs?: number } = {}): Promise<AllocatedRoom> {
    const { waitMs } = options;
    const call: CallOptions = {
      timeoutMs: this.timeoutMs + (waitMs ?? 0),
      ...bearer(this.options.token),
    };
    const request = {
      schedulerName: scheduler,
      ...(waitMs !== undefined && { wait: `${Math.round(waitMs)}ms` }),
    };
    const answer = await this.retrying('unsent', () =>
      this.transport.call(RoomsService.method.allocateRoom, request, call),
    );
    if (!answer.success) {
      throw new RoomsApiError({
        transport: this.transport.kind,
        code: RoomsErrorCode.RESOURCE_EXHAUSTED,
        message: answer.message || `no room allocated for scheduler ${scheduler}`,
      });
    }
    return { roomId: answer.roomId, host: answer.host, ports: answer.ports.map(toPort) };
  }

  /** Closes the connection (gRPC); calls after it fail. */
  close(): void {
    this.transport.close();
  }

  private roomCall(): CallOptions {
    return { timeoutMs: this.timeoutMs, ...bearer(this.options.roomToken) };
  }

  private async retrying<T>(policy: RetryPolicy, attempt: () => Promise<T>): Promise<T> {
    for (let repeat = 0; ; repeat++) {
      try {
        return await attempt();
      } catch (error) {
        if (repeat >= this.retries || !isRepeatable(policy, error)) throw error;
        await sleep(retryDelayMs(error, repeat));
      }
    }
  }
}

function isRepeatable(policy: RetryPolicy, error: unknown): boolean {
  if (error instanceof RoomsConnectionError) return policy === 'idempotent' || !error.isSent;
  if (!(error instanceof RoomsApiError)) return false;
  if (error.isRateLimited) return true;
  return policy === 'idempotent' && error.isUnavailable;
}

/** The server's `Retry-After`, else 200 ms doubling per repeat, with jitter. */
function retryDelayMs(error: unknown, repeat: number): number {
  if (error instanceof RoomsApiError && error.retryAfterSeconds !== undefined) {
    return error.retryAfterSeconds * 1_000;
  }
  return 200 * 2 ** repeat * (0.5 + Math.random() / 2);
}

const bearer = (token: string | undefined) =>
  token ? { authorization: `Bearer ${token}` } : undefined;

const nowSeconds = () => Math.floor(Date.now() / 1000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const toPort = ({ name, protocol, port }: RoomPort): RoomPort => ({ name, protocol, port });

function reportFields(report: RoomReport) {
  return {
    status: report.status,
    timestamp: BigInt(report.timestamp ?? nowSeconds()),
    runningMatches: BigInt(report.runningMatches ?? 0),
    ...(report.metadata && { metadata: report.metadata }),
  };
}
