import { EventEmitter } from 'node:events';
import {
  RoomsClient,
  RoomStatus,
  type ForwardResult,
  type PlayerEventType,
  type RoomMetadata,
} from '@maestro/rooms-client';
import { DEFAULT_PING_SCHEDULE } from './backoff';
import { isLocalModeIn, roomIdentity, type RoomIdentity } from './config';
import { LocalRoomsApi } from './local-rooms-api';
import { PingLoop } from './ping-loop';
import { jsonLineLogger, silentLogger, type GameRoomLogger, type RoomsApi } from './rooms-api';
import { runShutdown, type ShutdownSettings } from './shutdown';
import type { GameRoomEvents, PingReport } from './events';

export interface GameRoomOptions extends Partial<RoomIdentity>, Partial<ShutdownSettings> {
  /** Where the identity is read from; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Default `http` (ROOMS_API_ADDRESS is an HTTP address); `grpc` for the native gRPC port. */
  transport?: 'http' | 'grpc';
  /** Between pings; default 5000. */
  pingIntervalMs?: number;
  /** After failed pings: doubling from `initialMs` (1000) up to `maxMs` (30000), jittered. */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Per request to the Rooms API; default 3000. */
  timeoutMs?: number;
  /** Local mode (no maestro): default from `MAESTRO_GAME_ROOM_LOCAL`. See LocalRoomsApi. */
  local?: boolean;
  /** The Rooms API to use instead of a `RoomsClient` (a stand-in, a client of your own). */
  api?: RoomsApi;
  /** Default: silent, except in local mode (JSON lines on stdout). */
  logger?: GameRoomLogger;
  /** Signals that shut the room down gracefully; default `['SIGTERM']`, `[]` for none. */
  signals?: NodeJS.Signals[];
}

/**
 * A game room under maestro: reports its status to the Rooms API on a timer (never two pings at
 * once; backoff with jitter while they fail), sends `ready` / `occupied` / `terminating` at once
 * when they happen, forwards room and player events, and on SIGTERM reports `terminating`, runs
 * `onShutdown` and exits within `gracePeriodMs`.
 */
export class GameRoom extends EventEmitter<GameRoomEvents> {
  readonly scheduler: string;
  readonly roomId: string;
  /** In local mode, the stand-in Rooms API and every call the room made to it. */
  readonly local: LocalRoomsApi | undefined;
  /** Sent with every ping (stored with the room, forwarded with its events). */
  metadata: RoomMetadata | undefined;
  private currentStatus: RoomStatus | undefined;
  private matches: number | undefined;
  private readonly api: RoomsApi;
  private readonly loop: PingLoop<PingReport>;
  private readonly log: GameRoomLogger;
  private readonly settings: ShutdownSettings;
  private readonly signals: NodeJS.Signals[];
  private isStopped = false;
  private shuttingDown: Promise<void> | undefined;

  constructor(options: GameRoomOptions = {}) {
    super();
    const env = options.env ?? process.env;
    const isLocal = options.local ?? isLocalModeIn(env);
    const identity = roomIdentity(env, options, isLocal);
    this.scheduler = identity.scheduler;
    this.roomId = identity.roomId;
    this.log = options.logger ?? (isLocal ? jsonLineLogger : silentLogger);
    this.local = isLocal && !options.api ? new LocalRoomsApi(this.log) : undefined;
    this.api = options.api ?? this.local ?? clientFor(identity, options);
    this.settings = {
      gracePeriodMs: options.gracePeriodMs ?? 10_000,
      ...(options.onShutdown && { onShutdown: options.onShutdown }),
      exit: options.exit ?? ((code) => process.exit(code)),
    };
    this.signals = options.signals ?? ['SIGTERM'];
    const schedule = {
      intervalMs: options.pingIntervalMs ?? DEFAULT_PING_SCHEDULE.intervalMs,
      initialBackoffMs: options.backoff?.initialMs ?? DEFAULT_PING_SCHEDULE.initialBackoffMs,
      maxBackoffMs: options.backoff?.maxMs ?? DEFAULT_PING_SCHEDULE.maxBackoffMs,
    };
    requirePositive({
      ...schedule,
      gracePeriodMs: this.settings.gracePeriodMs,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    });
    this.loop = new PingLoop(
      () => this.attempt(),
      schedule,
      (report, failures, nextInMs) => this.settled(report, failures, nextInMs),
    );
    // From the start, so that a room still loading also leaves gracefully; `stop()` removes them.
    for (const signal of this.signals) process.on(signal, this.onSignal);
  }

  /** The status the room reports; undefined until the first transition. */
  get status(): RoomStatus | undefined {
    return this.currentStatus;
  }

  /** Matches running: as set, else 1 while occupied and 0 otherwise (one match per room). */
  get runningMatches(): number {
    return this.matches ?? (this.currentStatus === RoomStatus.OCCUPIED ? 1 : 0);
  }

  /** Sent with the next ping (call `ping()` to send it now). */
  set runningMatches(count: number) {
    if (!Number.isSafeInteger(count) || count < 0) {
      throw new RangeError(`runningMatches must be a non-negative integer, not ${count}`);
    }
    this.matches = count;
  }

  /** Ready for players: pings `ready` now and keeps pinging. */
  ready(): Promise<PingReport> {
    return this.transition(RoomStatus.READY);
  }

  /** Players are in: pings `occupied` now. */
  occupied(): Promise<PingReport> {
    return this.transition(RoomStatus.OCCUPIED);
  }

  /** Going away: pings `terminating` now (the shutdown does it too). */
  terminating(): Promise<PingReport> {
    return this.transition(RoomStatus.TERMINATING);
  }

  /** Pings the current status now (or right after the ping in flight). */
  ping(): Promise<PingReport> {
    if (this.isStopped) return Promise.reject(new Error('the game room is stopped'));
    if (this.currentStatus === undefined) {
      return Promise.reject(new Error('no status to report yet: call ready() first'));
    }
    return this.loop.now();
  }

  /** Forwards a room event to the scheduler's forwarders (not repeated once sent). */
  roomEvent(event: string, metadata?: RoomMetadata): Promise<ForwardResult> {
    return this.api.roomEvent(this.scheduler, this.roomId, {
      event,
      ...(metadata && { metadata }),
    });
  }

  /** Forwards `playerJoin` or `playerLeft` for `playerId` (not repeated once sent). */
  playerEvent(event: PlayerEventType, playerId: string, metadata?: RoomMetadata) {
    return this.api.playerEvent(this.scheduler, this.roomId, {
      event,
      playerId,
      ...(metadata && { metadata }),
    });
  }

  /**
   * Leaves maestro and ends the process: pings `terminating`, runs `onShutdown`, stops, exits
   * (0; 1 when the hook failed or the grace period ran out first). Once, however often called.
   */
  shutdown(reason = 'shutdown'): Promise<void> {
    this.shuttingDown ??= runShutdown(reason, this.settings, this.log, {
      started: () => this.emit('shutdown', reason),
      // The loop pings even once stopped (a last report) and never rejects.
      reportTerminating: () => this.loop.now(),
      stop: () => this.stop(),
      setTerminating: () => void (this.currentStatus = RoomStatus.TERMINATING),
    });
    return this.shuttingDown;
  }

  /** Stops pinging (after the ping in flight), removes the signal handlers, closes the client. */
  async stop(): Promise<void> {
    if (this.isStopped) return;
    this.isStopped = true;
    for (const signal of this.signals) process.off(signal, this.onSignal);
    await this.loop.stop();
    this.api.close();
  }

  private transition(status: RoomStatus): Promise<PingReport> {
    if (this.isStopped) return Promise.reject(new Error('the game room is stopped'));
    this.currentStatus = status;
    return this.loop.now();
  }

  private readonly onSignal = (signal: NodeJS.Signals): void => {
    this.emit('signal', signal);
    void this.shutdown(signal);
  };

  private async attempt(): Promise<PingReport> {
    const status = this.currentStatus ?? RoomStatus.TERMINATING;
    const runningMatches = this.runningMatches;
    const report = { status, runningMatches, ...(this.metadata && { metadata: this.metadata }) };
    try {
      const isRecorded = await this.api.ping(this.scheduler, this.roomId, report);
      return { status, runningMatches, isRecorded };
    } catch (error) {
      return { status, runningMatches, isRecorded: false, error };
    }
  }

  private settled(report: PingReport, failures: number, nextInMs: number | undefined): void {
    this.emit('ping', report);
    if (report.error !== undefined) {
      const failure = { status: report.status, consecutiveFailures: failures };
      this.emit('pingFailed', report.error, { ...failure, retryInMs: nextInMs });
    } else if (!report.isRecorded) {
      this.emit('pingRefused', report);
    }
  }
}

const DEFAULT_TIMEOUT_MS = 3_000;

/** Throws RangeError naming each duration that is not a positive number of milliseconds. */
function requirePositive(durations: Record<string, number>): void {
  const wrong = Object.entries(durations).filter(([, ms]) => !(Number.isFinite(ms) && ms > 0));
  if (wrong.length > 0) {
    const list = wrong.map(([name, ms]) => `${name} (${ms})`).join(', ');
    throw new RangeError(`not a positive number of milliseconds: ${list}`);
  }
}

function clientFor(identity: RoomIdentity, options: GameRoomOptions): RoomsClient {
  return new RoomsClient({
    address: identity.roomsApiAddress,
    transport: options.transport ?? 'http',
    ...(identity.roomToken !== undefined && { roomToken: identity.roomToken }),
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    // The ping loop retries with its own backoff; events are not repeated once sent.
    retries: 0,
  });
}
