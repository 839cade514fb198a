import type { RedisClient } from './client';
import { redisCall } from './redis-errors';
import { PortsExhaustedError } from '../../domain/game-room/errors';
import type { PortAllocator, PortRequest } from '../../ports/port-allocator';

// One ledger for every scheduler (ports are unique per host, whichever scheduler holds them). Both
// keys share the {ports} hash tag, so each script touches one slot and runs on Redis Cluster; the
// ledger therefore lives on one master, which only room creation and deletion reach.
const OWNERS_KEY = '{ports}:owners';
const roomKey = (owner: string) => `{ports}:room:${owner}`;

/**
 * KEYS: owners hash (port → owner), the room's hash (name → port).
 * ARGV: owner, offset seed, then name, start, end for each requested port.
 * Returns the room's [name, port, …]; claims nothing and errors EXHAUSTED <index> when a range is full.
 */
const ALLOCATE = `
local held = redis.call('HGETALL', KEYS[2])
if #held > 0 then return held end
local owner, seed = ARGV[1], tonumber(ARGV[2])
local claimed, result = {}, {}
for i = 0, (#ARGV - 2) / 3 - 1 do
  local name, first, last = ARGV[3 + i * 3], tonumber(ARGV[4 + i * 3]), tonumber(ARGV[5 + i * 3])
  local size = last - first + 1
  local found = nil
  for k = 0, size - 1 do
    local port = first + ((seed + k) % size)
    if redis.call('HSETNX', KEYS[1], port, owner) == 1 then found = port break end
  end
  if not found then
    for _, port in ipairs(claimed) do redis.call('HDEL', KEYS[1], port) end
    return redis.error_reply('EXHAUSTED ' .. i)
  end
  claimed[#claimed + 1] = found
  result[#result + 1] = name
  result[#result + 1] = tostring(found)
end
redis.call('HSET', KEYS[2], unpack(result))
return result
`;

/** KEYS: owners hash, the room's hash. ARGV: owner. Frees only ports this owner holds. */
const RELEASE = `
local held = redis.call('HGETALL', KEYS[2])
for i = 2, #held, 2 do
  if redis.call('HGET', KEYS[1], held[i]) == ARGV[1] then redis.call('HDEL', KEYS[1], held[i]) end
end
redis.call('DEL', KEYS[2])
return #held / 2
`;

/**
 * Host ports held in Redis, unique across every scheduler sharing the Redis (and key prefix).
 * An outage fails with RedisUnavailableError.
 */
export class RedisPortAllocator implements PortAllocator {
  constructor(private readonly redis: RedisClient) {}

  async allocate(scheduler: string, roomId: string, ports: readonly PortRequest[]) {
    if (ports.length === 0) return {};
    const owner = `${scheduler}/${roomId}`;
    const args = ports.flatMap((p) => [p.name, String(p.range.start), String(p.range.end)]);
    try {
      const flat = (await redisCall(() =>
        this.redis.eval(ALLOCATE, 2, OWNERS_KEY, roomKey(owner), owner, seedOf(owner), ...args),
      )) as string[];
      return pairsToRecord(flat);
    } catch (error) {
      const index = /EXHAUSTED (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
      const request = index === undefined ? undefined : ports[Number(index)];
      if (request) throw new PortsExhaustedError(request.name, request.range);
      throw error;
    }
  }

  async release(scheduler: string, roomId: string): Promise<void> {
    const owner = `${scheduler}/${roomId}`;
    await redisCall(() => this.redis.eval(RELEASE, 2, OWNERS_KEY, roomKey(owner), owner));
  }

  async held(scheduler: string, roomId: string) {
    const held = await redisCall(() => this.redis.hgetall(roomKey(`${scheduler}/${roomId}`)));
    if (Object.keys(held).length === 0) return undefined;
    return Object.fromEntries(Object.entries(held).map(([name, port]) => [name, Number(port)]));
  }
}

/** Spreads rooms over the range (first-fit from a per-room offset) instead of packing the start. */
function seedOf(owner: string): number {
  let hash = 0;
  for (const char of owner) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash;
}

function pairsToRecord(flat: readonly string[]): Record<string, number> {
  const record: Record<string, number> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) record[flat[i]!] = Number(flat[i + 1]);
  return record;
}
