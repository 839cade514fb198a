/**
 * The Redis scripts behind RedisRoomStore. The status rules are not rewritten in Lua by hand: the
 * composition table and the allowed transitions are serialised from `domain/game-room/status.ts`
 * into every script, and `calculate` mirrors `calculateRoomStatus` step by step (an integration
 * test checks both agree on every combination). Each script is one atomic step, with the server
 * clock (Redis `TIME`) as the only clock.
 *
 * Every key of a scheduler carries the `{<scheduler>}` hash tag, so a script touches one slot and
 * stays valid on Redis Cluster (allocation reads room hashes it derives from the status key).
 */
import {
  ROOM_STATUS_CODES,
  ROOM_STATUSES,
  RoomStatus,
  STATUS_COMPOSITION,
  VALID_TRANSITIONS,
} from '../../domain/game-room/status';
import { LuaScript } from './lua-script';

const code = (status: RoomStatus) => ROOM_STATUS_CODES[status];

function compositionTable(): string {
  const rows = Object.entries(STATUS_COMPOSITION).map(([ping, row]) => {
    const cells = Object.entries(row).map(([instance, status]) => `${instance}=${code(status)}`);
    return `${ping}={${cells.join(',')}}`;
  });
  return `{${rows.join(',')}}`;
}

function transitionTable(): string {
  const rows = ROOM_STATUSES.map((from) => {
    const targets = VALID_TRANSITIONS[from].map((to) => `[${code(to)}]=true`);
    return `[${code(from)}]={${targets.join(',')}}`;
  });
  return `{${rows.join(',')}}`;
}

/**
 * The scheduler's room index, kept by every write script in the same atomic step (`index_room`
 * after the write): the summary hash (room id → `status|last ping|created|running|validation|
 * instance status|version`, decoded by `decodeSummaryLine`) and the counts hash, the sum of the
 * summary lines' contributions (`status:<code>`, `validation:<code>`, `instance:<status>`,
 * `running`, `validation_running`) plus `changes` (the change counter) and `indexed` (set by
 * `REBUILD_INDEX`: the index covers every room), and the starting set (pending and unready rooms
 * by creation time, for the expiry candidates). A room's line is derived from its hash and its
 * status each time, and the counts move by the difference between its old and new line, so the
 * counts stay the sum of the lines whatever the write path.
 */
const INDEX_FUNCTIONS = `
local function line_of(room_key, status_key, id)
  if redis.call('EXISTS', room_key) == 0 then return false end
  local f = redis.call('HMGET', room_key, 'last_ping_at', 'created_at', 'running_matches',
    'is_validation_room', 'instance_status', 'version')
  return current_status(status_key, id) .. '|' .. (f[1] or '0') .. '|' .. (f[2] or '0') .. '|' ..
    (f[3] or '0') .. '|' .. (f[4] or '0') .. '|' .. (f[5] or 'unknown') .. '|' .. (f[6] or '')
end

local function parse_line(line)
  if not line then return nil end
  local code, created, running, validation, instance, version =
    string.match(line, '^([^|]*)|[^|]*|([^|]*)|([^|]*)|([^|]*)|([^|]*)|(.*)$')
  if not code then return nil end
  return {code = code, created = created, running = tonumber(running) or 0,
    validation = validation, instance = instance, version = version}
end

local function contribute(deltas, e, sign)
  local function bump(field, n) deltas[field] = (deltas[field] or 0) + n end
  bump('status:' .. e.code, sign)
  bump('instance:' .. e.instance, sign)
  bump('running', sign * e.running)
  if e.validation == '1' then
    bump('validation:' .. e.code, sign)
    bump('validation_running', sign * e.running)
  end
end

local function apply_counts(counts_key, deltas)
  for field, n in pairs(deltas) do
    if n ~= 0 then
      if field == 'running' or field == 'validation_running' then
        redis.call('HINCRBYFLOAT', counts_key, field, n)
      else
        redis.call('HINCRBY', counts_key, field, n)
      end
    end
  end
end

local function index_keys(first)
  return {summary = KEYS[first], counts = KEYS[first + 1], starting = KEYS[first + 2]}
end

local function is_starting(e)
  return e ~= nil and (tonumber(e.code) == PENDING or tonumber(e.code) == UNREADY)
end

-- The line written as line_of reads it back: numbers as Redis stores them (%.17g).
local function line_from(status, last_ping, created, running, validation, instance, version)
  local n = function(v) return string.format('%.17g', v) end
  return n(status) .. '|' .. n(last_ping) .. '|' .. (created or '0') .. '|' .. n(running) .. '|' ..
    (validation or '0') .. '|' .. (instance or 'unknown') .. '|' .. (version or '')
end

-- Moves the index from the room's stored line to new (false: the room is gone).
local function index_line(ix, id, new)
  local old = redis.call('HGET', ix.summary, id)
  if old == new then return end
  if new then redis.call('HSET', ix.summary, id, new) else redis.call('HDEL', ix.summary, id) end
  local a, b = parse_line(old), parse_line(new)
  if a and b and a.code == b.code and a.running == b.running and a.validation == b.validation
    and a.instance == b.instance and a.version == b.version then return end
  local deltas = {}
  if a then contribute(deltas, a, -1) end
  if b then contribute(deltas, b, 1) end
  apply_counts(ix.counts, deltas)
  redis.call('HINCRBY', ix.counts, 'changes', 1)
  if is_starting(b) then
    redis.call('ZADD', ix.starting, tonumber(b.created) or 0, id)
  elseif is_starting(a) then
    redis.call('ZREM', ix.starting, id)
  end
end

local function index_room(ix, room_key, status_key, id)
  index_line(ix, id, line_of(room_key, status_key, id))
end
`;

/** Shared by every script: the tables, the status calculation and the status write. */
export const STATUS_PRELUDE = `
local COMPOSE = ${compositionTable()}
local TRANSITIONS = ${transitionTable()}
local PENDING, READY, OCCUPIED = ${code(RoomStatus.PENDING)}, ${code(RoomStatus.READY)}, ${code(RoomStatus.OCCUPIED)}
local UNREADY = ${code(RoomStatus.UNREADY)}
local TERMINATING = ${code(RoomStatus.TERMINATING)}
local ACTIVE, ALLOCATED = ${code(RoomStatus.ACTIVE)}, ${code(RoomStatus.ALLOCATED)}

local function calculate(ping, instance, current, running, max_matches, allocated_at, now, ttl)
  local row = COMPOSE[ping] or COMPOSE.unknown
  local status = row[instance] or row.unknown
  if max_matches > 1 and (status == READY or status == OCCUPIED) then
    if running < 1 then status = READY
    elseif running >= max_matches then status = OCCUPIED
    else status = ACTIVE end
  end
  if status == READY and current == ALLOCATED and allocated_at and now - allocated_at <= ttl then
    return ALLOCATED
  end
  return status
end

local function allowed(from, to)
  return from == to or (TRANSITIONS[from] ~= nil and TRANSITIONS[from][to] == true)
end

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function set_status(room_key, status_key, allocated_key, id, from, to)
  redis.call('ZADD', status_key, to, id)
  if from == ALLOCATED and to ~= ALLOCATED then
    redis.call('HDEL', room_key, 'allocated_at')
    redis.call('ZREM', allocated_key, id)
  end
end

local function current_status(status_key, id)
  return tonumber(redis.call('ZSCORE', status_key, id)) or PENDING
end
${INDEX_FUNCTIONS}`;

const script = (body: string) => new LuaScript(`${STATUS_PRELUDE}\n${body}`);

/**
 * KEYS: room, status, ping, occupancy, summary, counts, starting. ARGV: id, version, is_validation_room
 * (1/0).
 */
export const CREATE_ROOM = script(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local id, now = ARGV[1], now_ms()
redis.call('HSET', KEYS[1], 'version', ARGV[2], 'ping_status', 'unknown', 'metadata', '{}',
  'running_matches', 0, 'is_validation_room', ARGV[3], 'created_at', now, 'last_ping_at', now,
  'instance_status', 'unknown')
redis.call('ZADD', KEYS[2], PENDING, id)
redis.call('ZADD', KEYS[3], now, id)
redis.call('ZADD', KEYS[4], 0, id)
index_room(index_keys(5), KEYS[1], KEYS[2], id)
return 1
`);

/**
 * KEYS: room, status, ping, occupancy, allocated, summary, counts, starting. ARGV: id, ping status, metadata
 * JSON, running matches, max matches, allocation TTL ms. All or nothing: a missing room or a forbidden
 * transition writes nothing.
 */
export const PING = script(`
if redis.call('EXISTS', KEYS[1]) == 0 then return {'room_not_found'} end
local id, now, running = ARGV[1], now_ms(), tonumber(ARGV[4])
local f = redis.call('HMGET', KEYS[1], 'instance_status', 'allocated_at', 'is_validation_room',
  'instance', 'created_at', 'version')
local current = current_status(KEYS[2], id)
local status = calculate(ARGV[2], f[1] or 'unknown', current, running, tonumber(ARGV[5]),
  tonumber(f[2]), now, tonumber(ARGV[6]))
if not allowed(current, status) then return {'invalid_transition', current, status} end
redis.call('HSET', KEYS[1], 'ping_status', ARGV[2], 'metadata', ARGV[3], 'running_matches', running,
  'last_ping_at', now)
redis.call('ZADD', KEYS[3], now, id)
redis.call('ZADD', KEYS[4], running, id)
if status ~= current then set_status(KEYS[1], KEYS[2], KEYS[5], id, current, status) end
-- The room's line from what this script read and wrote (index_room would read it all again).
index_line(index_keys(6), id, line_from(status, now, f[5], running, f[3], f[1], f[6]))
return {'recorded', current, status, f[3] or '0', f[4] or ''}
`);

/**
 * KEYS: room, status, allocated, summary, counts, starting. ARGV: id, instance status, instance JSON, max
 * matches, allocation TTL ms. The instance is stored even when the recomputed status is refused.
 */
export const UPDATE_INSTANCE = script(`
if redis.call('EXISTS', KEYS[1]) == 0 then return {'room_not_found'} end
local id, now = ARGV[1], now_ms()
redis.call('HSET', KEYS[1], 'instance_status', ARGV[2], 'instance', ARGV[3])
local f = redis.call('HMGET', KEYS[1], 'ping_status', 'running_matches', 'allocated_at', 'is_validation_room')
local current = current_status(KEYS[2], id)
local status = calculate(f[1] or 'unknown', ARGV[2], current, tonumber(f[2]) or 0, tonumber(ARGV[4]),
  tonumber(f[3]), now, tonumber(ARGV[5]))
local applied = allowed(current, status)
if applied and status ~= current then set_status(KEYS[1], KEYS[2], KEYS[3], id, current, status) end
index_room(index_keys(4), KEYS[1], KEYS[2], id)
if not applied then return {'recorded', current, current, f[4] or '0', status} end
return {'recorded', current, status, f[4] or '0', ''}
`);

/**
 * KEYS: room, status, allocated, summary, counts, starting. ARGV: id. Returns {status, HGETALL…} as it was,
 * or {}.
 */
export const MARK_TERMINATING = script(`
if redis.call('EXISTS', KEYS[1]) == 0 then return {} end
local current = current_status(KEYS[2], ARGV[1])
local snapshot = redis.call('HGETALL', KEYS[1])
set_status(KEYS[1], KEYS[2], KEYS[3], ARGV[1], current, TERMINATING)
index_room(index_keys(4), KEYS[1], KEYS[2], ARGV[1])
table.insert(snapshot, 1, current)
return snapshot
`);

/**
 * KEYS: room, status, ping, occupancy, allocated, summary, counts, starting. ARGV: id. Returns
 * {status, HGETALL…} or {}.
 */
export const REMOVE_ROOM = script(`
if redis.call('EXISTS', KEYS[1]) == 0 then return {} end
local snapshot = redis.call('HGETALL', KEYS[1])
table.insert(snapshot, 1, current_status(KEYS[2], ARGV[1]))
redis.call('DEL', KEYS[1])
for i = 2, 5 do redis.call('ZREM', KEYS[i], ARGV[1]) end
index_room(index_keys(6), KEYS[1], KEYS[2], ARGV[1])
return snapshot
`);

/** KEYS: room, status. ARGV: id. Returns {status, HGETALL…} or {}. */
export const GET_ROOM = script(`
if redis.call('EXISTS', KEYS[1]) == 0 then return {} end
local snapshot = redis.call('HGETALL', KEYS[1])
table.insert(snapshot, 1, current_status(KEYS[2], ARGV[1]))
return snapshot
`);

/**
 * KEYS: status, allocated, summary, counts, starting. ARGV: max matches, allocation TTL ms. Returns expired allocations to
 * the status their reports give, then takes the first ready room that is not a validation room:
 * {id, instance JSON}, or {} when there is none.
 */
export const ALLOCATE = script(`
local now, max_matches, ttl = now_ms(), tonumber(ARGV[1]), tonumber(ARGV[2])
local base = string.sub(KEYS[1], 1, -7) .. 'rooms:'
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now - ttl, 'LIMIT', 0, 100)) do
  local room_key = base .. id
  if tonumber(redis.call('ZSCORE', KEYS[1], id)) == ALLOCATED then
    local f = redis.call('HMGET', room_key, 'ping_status', 'instance_status', 'running_matches')
    local status = calculate(f[1] or 'unknown', f[2] or 'unknown', ALLOCATED, tonumber(f[3]) or 0,
      max_matches, nil, now, ttl)
    if allowed(ALLOCATED, status) then
      set_status(room_key, KEYS[1], KEYS[2], id, ALLOCATED, status)
      index_room(index_keys(3), room_key, KEYS[1], id)
    end
  end
  redis.call('ZREM', KEYS[2], id)
end
local offset = 0
while true do
  local ids = redis.call('ZRANGEBYSCORE', KEYS[1], READY, READY, 'LIMIT', offset, 16)
  if #ids == 0 then return {} end
  for _, id in ipairs(ids) do
    local room_key = base .. id
    local f = redis.call('HMGET', room_key, 'is_validation_room', 'instance')
    if not f[1] then
      redis.call('ZREM', KEYS[1], id)
      index_room(index_keys(3), room_key, KEYS[1], id)
    elseif f[1] == '1' then
      offset = offset + 1
    else
      redis.call('ZADD', KEYS[1], ALLOCATED, id)
      redis.call('HSET', room_key, 'allocated_at', now)
      redis.call('ZADD', KEYS[2], now, id)
      index_room(index_keys(3), room_key, KEYS[1], id)
      return {id, f[2] or ''}
    end
  end
end
`);

/**
 * KEYS: status, summary, counts, starting. ARGV: force (1/0). Builds the index from the rooms when
 * `indexed` is not set (rooms written before the index existed, or its keys lost) or when forced,
 * in one atomic step: every room listed in the status set gets its line, the counts and the
 * starting set are recomputed, the change counter moves on. Returns the rooms indexed, or -1 when
 * the index was there already. Cost: O(rooms), once.
 */
export const REBUILD_INDEX = script(`
if ARGV[1] ~= '1' and redis.call('HEXISTS', KEYS[3], 'indexed') == 1 then return -1 end
local changes = tonumber(redis.call('HGET', KEYS[3], 'changes')) or 0
redis.call('DEL', KEYS[2], KEYS[3], KEYS[4])
local base = string.sub(KEYS[1], 1, -7) .. 'rooms:'
local deltas, indexed = {}, 0
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local line = line_of(base .. id, KEYS[1], id)
  if line then
    local e = parse_line(line)
    redis.call('HSET', KEYS[2], id, line)
    contribute(deltas, e, 1)
    if is_starting(e) then redis.call('ZADD', KEYS[4], tonumber(e.created) or 0, id) end
    indexed = indexed + 1
  end
end
apply_counts(KEYS[3], deltas)
redis.call('HSET', KEYS[3], 'indexed', 1, 'changes', changes + 1)
return indexed
`);

/**
 * KEYS: ping, summary, counts, starting. ARGV: last ping cutoff, creation cutoff (epoch ms, both
 * exclusive). The summary lines ({id, line, …}) of the pending and unready rooms created before
 * the creation cutoff and of the rooms last pinged before the ping cutoff, each once;
 * {'unindexed'} when the index is not built.
 */
export const EXPIRY_CANDIDATES = script(`
if redis.call('HEXISTS', KEYS[3], 'indexed') == 0 then return {'unindexed'} end
local seen, reply = {}, {}
local function add(id)
  if seen[id] then return end
  seen[id] = true
  local line = redis.call('HGET', KEYS[2], id)
  if line then
    reply[#reply + 1] = id
    reply[#reply + 1] = line
  end
end
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', '(' .. ARGV[2])) do add(id) end
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1])) do add(id) end
return reply
`);

/** KEYS: status. Returns the count of every status code 0..8, in code order. */
export const COUNT_BY_STATUS = new LuaScript(`
local counts = {}
for status = 0, ${Math.max(...Object.values(ROOM_STATUS_CODES))} do
  counts[#counts + 1] = redis.call('ZCOUNT', KEYS[1], status, status)
end
return counts
`);
