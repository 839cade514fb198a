import type { RedisClient } from './client';
import {
  INSTANCE_STATUSES,
  type GameRoomInstance,
  type InstanceStatus,
} from '../../domain/game-room/instance';
import type { GameRoom, NewGameRoom } from '../../domain/game-room/room';
import {
  ROOM_STATUS_CODES,
  ROOM_STATUSES,
  roomStatusOfCode,
  RoomStatus,
} from '../../domain/game-room/status';
import type { RoomStatusCounts } from '../../ports/room-counter';
import type {
  Allocation,
  InstanceUpdateResult,
  PingReport,
  PingResult,
  RoomStore,
  RoomSummary,
  RoomTally,
} from '../../ports/room-store';
import { isRedisOutage, redisCall, RedisUnavailableError } from './redis-errors';
import {
  decodeInstance,
  decodeRoomSnapshot,
  decodeSummaryLine,
  encodeInstance,
  schedulerKeys,
} from './room-codec';
import {
  ALLOCATE,
  COUNT_BY_STATUS,
  CREATE_ROOM,
  GET_ROOM,
  MARK_TERMINATING,
  EXPIRY_CANDIDATES,
  PING,
  REBUILD_INDEX,
  REMOVE_ROOM,
  UPDATE_INSTANCE,
} from './room-scripts';
import { inClientSpan } from '../../shared/tracing';

/** Span attribute: the scheduler a call is about. */
const SCHEDULER = 'maestro.scheduler';

export interface RedisRoomStoreOptions {
  /** How long an allocated room is held back from `ready` (Maestro's roomAllocationTTLMillis). */
  allocationTtlMs: number;
  /** True when the process traces: each ping's script is then a client span; else no span path. */
  isTraced?: boolean;
}

/** Room hashes read per pipeline round trip by `listRooms`. */
const LIST_BATCH = 1_000;

/** The ping script's reply: `[outcome, previous, status, isValidationRoom, instance]`. */
type PingReply = [string, ...unknown[]];

const statusOf = (code: unknown) => roomStatusOfCode(Number(code)) ?? RoomStatus.PENDING;

/**
 * Rooms in Redis: a hash per room and, per scheduler, sorted sets of room ids by status (score =
 * Maestro's status code), by last ping (epoch ms) and by running matches, the allocated rooms by
 * allocation time, and the room index (a summary line per room and their counts, see
 * room-scripts.ts), which the health plan and the metrics read instead of every room. Every
 * write is one Lua script (room-scripts.ts) that keeps all of them, index included. Every key of a
 * scheduler shares its hash tag, so in a Redis Cluster a scheduler's rooms live on one master.
 * An outage fails with RedisUnavailableError (UNAVAILABLE).
 */
export class RedisRoomStore implements RoomStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly options: RedisRoomStoreOptions,
  ) {}

  async createRoom(room: NewGameRoom): Promise<boolean> {
    const keys = schedulerKeys(room.scheduler);
    const created = await CREATE_ROOM.run(
      this.redis,
      [
        keys.room(room.id),
        keys.status,
        keys.ping,
        keys.occupancy,
        keys.summary,
        keys.counts,
        keys.starting,
      ],
      [room.id, room.version, room.isValidationRoom ? '1' : '0'],
    );
    return created === 1;
  }

  async getRoom(scheduler: string, roomId: string): Promise<GameRoom | undefined> {
    const keys = schedulerKeys(scheduler);
    const reply = await GET_ROOM.run(this.redis, [keys.room(roomId), keys.status], [roomId]);
    return decodeRoomSnapshot(scheduler, roomId, reply);
  }

  async ping(report: PingReport): Promise<PingResult> {
    const reply = this.options.isTraced
      ? await this.tracedPing(report)
      : await this.runPing(report);
    const [outcome, previous, status, isValidationRoom, instance] = reply;
    if (outcome === 'room_not_found') return { outcome };
    if (outcome === 'invalid_transition') {
      return { outcome, from: statusOf(previous), to: statusOf(status) };
    }
    return {
      outcome: 'recorded',
      previous: statusOf(previous),
      status: statusOf(status),
      room: snapshotOf(isValidationRoom, decodeInstance(String(instance))),
    };
  }

  private runPing(report: PingReport): Promise<PingReply> {
    const keys = schedulerKeys(report.scheduler);
    return PING.run(this.redis, wholeRoomKeys(keys, report.roomId), [
      report.roomId,
      report.pingStatus,
      JSON.stringify(report.metadata),
      report.runningMatches,
      report.maxMatches,
      this.options.allocationTtlMs,
    ]) as Promise<PingReply>;
  }

  /** `runPing` in a Redis client span that records the ping's outcome. */
  private tracedPing(report: PingReport): Promise<PingReply> {
    return inClientSpan(
      'redis room ping',
      { 'db.system.name': 'redis', 'db.operation.name': 'EVALSHA', [SCHEDULER]: report.scheduler },
      async (span) => {
        const result = await this.runPing(report);
        span.setAttribute('maestro.ping.outcome', String(result[0]));
        return result;
      },
    );
  }

  async updateInstance(
    instance: GameRoomInstance,
    options: { maxMatches: number },
  ): Promise<InstanceUpdateResult> {
    const keys = schedulerKeys(instance.scheduler);
    const reply = (await UPDATE_INSTANCE.run(
      this.redis,
      [
        keys.room(instance.id),
        keys.status,
        keys.allocated,
        keys.summary,
        keys.counts,
        keys.starting,
      ],
      [
        instance.id,
        instance.status,
        encodeInstance(instance),
        options.maxMatches,
        this.options.allocationTtlMs,
      ],
    )) as [string, ...unknown[]];
    const [outcome, previous, status, isValidationRoom, rejected] = reply;
    if (outcome === 'room_not_found') return { outcome };
    return {
      outcome: 'recorded',
      previous: statusOf(previous),
      status: statusOf(status),
      room: snapshotOf(isValidationRoom, instance),
      ...(rejected === '' ? {} : { rejectedStatus: statusOf(rejected) }),
    };
  }

  async markTerminating(scheduler: string, roomId: string): Promise<GameRoom | undefined> {
    const keys = schedulerKeys(scheduler);
    const reply = await MARK_TERMINATING.run(
      this.redis,
      [keys.room(roomId), keys.status, keys.allocated, keys.summary, keys.counts, keys.starting],
      [roomId],
    );
    return decodeRoomSnapshot(scheduler, roomId, reply);
  }

  async removeRoom(scheduler: string, roomId: string): Promise<GameRoom | undefined> {
    const keys = schedulerKeys(scheduler);
    const reply = await REMOVE_ROOM.run(this.redis, wholeRoomKeys(keys, roomId), [roomId]);
    return decodeRoomSnapshot(scheduler, roomId, reply);
  }

  async allocate(
    scheduler: string,
    options: { maxMatches: number },
  ): Promise<Allocation | undefined> {
    const keys = schedulerKeys(scheduler);
    const reply = (await ALLOCATE.run(
      this.redis,
      [keys.status, keys.allocated, keys.summary, keys.counts, keys.starting],
      [options.maxMatches, this.options.allocationTtlMs],
    )) as string[];
    const [roomId, instance] = reply;
    if (roomId === undefined) return undefined;
    const decoded = decodeInstance(instance);
    return decoded ? { roomId, instance: decoded } : { roomId };
  }

  async listRooms(scheduler: string): Promise<GameRoom[]> {
    const keys = schedulerKeys(scheduler);
    const flat = await redisCall(() => this.redis.zrange(keys.status, 0, -1, 'WITHSCORES'));
    const rooms: GameRoom[] = [];
    for (let start = 0; start < flat.length; start += 2 * LIST_BATCH) {
      const batch = flat.slice(start, start + 2 * LIST_BATCH);
      const pipeline = this.redis.pipeline();
      for (let i = 0; i < batch.length; i += 2) pipeline.hgetall(keys.room(batch[i]!));
      const replies = (await redisCall(() => pipeline.exec())) ?? [];
      replies.forEach(([error, hash], index) => {
        if (error) throw isRedisOutage(error) ? new RedisUnavailableError(error) : error;
        const fields = Object.entries(hash as Record<string, string>).flat();
        const roomId = batch[2 * index]!;
        // A room removed between the two reads has an empty hash: it is gone, not listed.
        const room =
          fields.length === 0
            ? undefined
            : decodeRoomSnapshot(scheduler, roomId, [Number(batch[2 * index + 1]), ...fields]);
        if (room) rooms.push(room);
      });
    }
    return rooms;
  }

  async listRoomSummaries(scheduler: string): Promise<RoomSummary[]> {
    const keys = schedulerKeys(scheduler);
    for (let attempt = 0; ; attempt++) {
      const replies = await redisCall(() =>
        this.redis.multi().call('HGETALL', keys.counts).call('HGETALL', keys.summary).exec(),
      );
      const [[countsError, counts], [listError, flat]] = replies as [
        [Error | null, string[]],
        [Error | null, string[]],
      ];
      const error = countsError ?? listError;
      if (error) throw isRedisOutage(error) ? new RedisUnavailableError(error) : error;
      // Read in one transaction, the lines and the counts agree unless a key was lost: rebuild.
      const isIndexed = counts.includes('indexed');
      const isWhole = isIndexed && statusTotal(counts) === flat.length / 2;
      if (isWhole || attempt > 1) return decodeSummaries(flat);
      await this.rebuildIndex(scheduler, { force: isIndexed });
    }
  }

  async listExpiryCandidates(
    scheduler: string,
    options: { now: Date; pingTimeoutMs: number; initializationTimeoutMs: number },
  ): Promise<RoomSummary[]> {
    const keys = schedulerKeys(scheduler);
    const now = options.now.getTime();
    for (;;) {
      const reply = (await EXPIRY_CANDIDATES.run(
        this.redis,
        [keys.ping, keys.summary, keys.counts, keys.starting],
        [now - options.pingTimeoutMs, now - options.initializationTimeoutMs],
      )) as string[];
      if (reply[0] !== 'unindexed') return decodeSummaries(reply);
      await this.rebuildIndex(scheduler);
    }
  }

  async tallyRooms(scheduler: string): Promise<RoomTally> {
    const keys = schedulerKeys(scheduler);
    for (;;) {
      const counts = await redisCall(() => this.redis.hgetall(keys.counts));
      if (counts.indexed === undefined) {
        await this.rebuildIndex(scheduler);
        continue;
      }
      const count = (field: string) => Number(counts[field] ?? 0);
      const byStatus = (prefix: string) =>
        Object.fromEntries(
          ROOM_STATUSES.map((status) => [status, count(`${prefix}:${ROOM_STATUS_CODES[status]}`)]),
        ) as Record<RoomStatus, number>;
      return {
        statuses: byStatus('status'),
        validationStatuses: byStatus('validation'),
        instances: Object.fromEntries(
          INSTANCE_STATUSES.map((status) => [status, count(`instance:${status}`)]),
        ) as Record<InstanceStatus, number>,
        runningMatches: count('running'),
        validationRunningMatches: count('validation_running'),
        changes: count('changes'),
      };
    }
  }

  async roomChanges(scheduler: string): Promise<number> {
    const changes = await redisCall(() =>
      this.redis.hget(schedulerKeys(scheduler).counts, 'changes'),
    );
    return Number(changes ?? 0);
  }

  /**
   * Builds the scheduler's room index from its rooms when it is missing (see `REBUILD_INDEX`), or
   * anyway with `force`; nothing when it is there. Returns the rooms indexed, or -1 when there was nothing to do.
   */
  async rebuildIndex(scheduler: string, options: { force?: boolean } = {}): Promise<number> {
    const keys = schedulerKeys(scheduler);
    const indexed = await REBUILD_INDEX.run(
      this.redis,
      [keys.status, keys.summary, keys.counts, keys.starting],
      [options.force ? '1' : '0'],
    );
    return Number(indexed);
  }

  listRoomIds(scheduler: string): Promise<string[]> {
    return redisCall(() => this.redis.zrange(schedulerKeys(scheduler).status, 0, -1));
  }

  listRoomIdsByStatus(scheduler: string, status: RoomStatus): Promise<string[]> {
    const code = ROOM_STATUS_CODES[status];
    return redisCall(() => this.redis.zrangebyscore(schedulerKeys(scheduler).status, code, code));
  }

  listRoomIdsPingedBefore(scheduler: string, before: Date): Promise<string[]> {
    return redisCall(() =>
      this.redis.zrangebyscore(schedulerKeys(scheduler).ping, '-inf', `(${before.getTime()}`),
    );
  }

  async countRooms(scheduler: string): Promise<Record<RoomStatus, number>> {
    const counts = (await COUNT_BY_STATUS.run(
      this.redis,
      [schedulerKeys(scheduler).status],
      [],
    )) as number[];
    const result = {} as Record<RoomStatus, number>;
    for (const status of ROOM_STATUSES) result[status] = counts[ROOM_STATUS_CODES[status]] ?? 0;
    return result;
  }

  async countByStatus(scheduler: string): Promise<RoomStatusCounts> {
    const { ready, occupied, pending, terminating } = await this.countRooms(scheduler);
    return { ready, occupied, pending, terminating };
  }

  async sumRunningMatches(scheduler: string): Promise<number> {
    return (await this.tallyRooms(scheduler)).runningMatches;
  }
}

/** Σ of the `status:<code>` fields of a flat HGETALL reply of the counts hash. */
/** Every key of a script that may change any part of a room: its record, sets and index. */
function wholeRoomKeys(keys: ReturnType<typeof schedulerKeys>, roomId: string): string[] {
  return [
    keys.room(roomId),
    keys.status,
    keys.ping,
    keys.occupancy,
    keys.allocated,
    keys.summary,
    keys.counts,
    keys.starting,
  ];
}

function statusTotal(flat: readonly string[]): number {
  let total = 0;
  for (let i = 0; i + 1 < flat.length; i += 2) {
    if (flat[i]!.startsWith('status:')) total += Number(flat[i + 1]);
  }
  return total;
}

/** Rooms from `[id, summary line, id, summary line, …]`; malformed lines are left out. */
function decodeSummaries(flat: readonly string[]): RoomSummary[] {
  const rooms: RoomSummary[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const room = decodeSummaryLine(flat[i]!, flat[i + 1]!);
    if (room) rooms.push(room);
  }
  return rooms;
}

function snapshotOf(isValidationRoom: unknown, instance: GameRoomInstance | undefined) {
  return { isValidationRoom: isValidationRoom === '1', ...(instance ? { instance } : {}) };
}
