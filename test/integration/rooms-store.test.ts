/**
 * RedisRoomStore on a real Redis: the status rules run inside Lua scripts generated from the
 * domain tables, so besides the store's behaviour this checks that the Lua calculation agrees
 * with `calculateRoomStatus` on every combination.
 */
import pino from 'pino';
import { createRedisClient } from '../../src/adapters/redis/client';
import { LuaScript } from '../../src/adapters/redis/lua-script';
import { STATUS_PRELUDE } from '../../src/adapters/redis/room-scripts';
import type { InstanceStatus } from '../../src/domain/game-room/instance';
import {
  calculateRoomStatus,
  ROOM_STATUS_CODES,
  ROOM_STATUSES,
  roomStatusOfCode,
  isValidTransition,
  type PingStatus,
} from '../../src/domain/game-room/status';
import { sharedInfra } from '../support/infra';
import { standaloneRedis } from '../support/redis-targets';
import { describeRoomStoreBehaviour } from '../support/room-store-behaviour';

const TTL_MS = 400;

describeRoomStoreBehaviour('a standalone Redis', standaloneRedis);

describe('the Lua status calculation', () => {
  it('agrees with calculateRoomStatus and isValidTransition on every combination', async () => {
    const redis = createRedisClient(
      { url: sharedInfra().redisUrl, keyPrefix: '' },
      pino({ level: 'silent' }),
    );
    await new Promise((resolve) => redis.once('ready', resolve));
    const evaluate = new LuaScript(`${STATUS_PRELUDE}
local results = {}
for i = 1, #ARGV, 7 do
  local current = tonumber(ARGV[i + 2])
  local allocated_at = ARGV[i + 5] ~= '' and tonumber(ARGV[i + 5]) or nil
  local status = calculate(ARGV[i], ARGV[i + 1], current, tonumber(ARGV[i + 3]), tonumber(ARGV[i + 4]),
    allocated_at, tonumber(ARGV[i + 6]), ${TTL_MS})
  results[#results + 1] = status
  results[#results + 1] = allowed(current, status) and 1 or 0
end
return results`);
    const pings: PingStatus[] = ['unknown', 'ready', 'occupied', 'terminating', 'terminated'];
    const instances: InstanceStatus[] = ['unknown', 'pending', 'ready', 'terminating', 'error'];
    const now = 1_000_000;
    const cases = pings.flatMap((pingStatus) =>
      instances.flatMap((instanceStatus) =>
        ROOM_STATUSES.flatMap((current) =>
          [0, 1, 2, 3].flatMap((runningMatches) =>
            [1, 3].flatMap((maxMatches) =>
              [undefined, now, now - TTL_MS - 1].map((allocatedAt) => ({
                pingStatus,
                instanceStatus,
                current,
                runningMatches,
                maxMatches,
                allocatedAt,
                now,
                allocationTtlMs: TTL_MS,
              })),
            ),
          ),
        ),
      ),
    );
    try {
      const args = cases.flatMap((c) => [
        c.pingStatus,
        c.instanceStatus,
        ROOM_STATUS_CODES[c.current],
        c.runningMatches,
        c.maxMatches,
        c.allocatedAt ?? '',
        c.now,
      ]);
      const reply = (await evaluate.run(redis, [], args)) as number[];

      const fromLua = cases.map((_, i) => [
        roomStatusOfCode(reply[2 * i]!),
        reply[2 * i + 1] === 1,
      ]);
      const fromTypeScript = cases.map((c) => {
        const status = calculateRoomStatus(c);
        return [status, isValidTransition(c.current, status)];
      });
      expect(cases.length).toBe(5 * 5 * 9 * 4 * 2 * 3);
      expect(fromLua).toEqual(fromTypeScript);
    } finally {
      await redis.quit();
    }
  });
});
