/**
 * The Lua scripts that make every shared step one atomic operation in Redis. They read the time
 * from Redis (`TIME`), so shared open periods are measured on one clock whatever the hosts'
 * clocks say. Every reply is `{ code, record, redisNowMs, invalidFlags, extra }`:
 * - `record`: the state record under the key after the script ran (`''` when there is none),
 * - `invalidFlags`: 1 when the state key held something that is not one of our records, 2 when
 *   the lease or votes key did; such values are treated as absent and overwritten on write.
 *
 * A record is JSON: `{ f: 'bw1', s: state, v: fleetVersion, oa: openedAt, ou: openUntil, ra:
 * recoveryAttempt, t: writtenAt, w: writerId }`, times in Redis milliseconds; `ou` is 0 when
 * not open and -1 for "until reset". Messages on the channel are the record plus `n`, the
 * breaker's id.
 */

const prelude = `
local severity = { disabled = 0, closed = 1, half_open = 2, open = 3, forced_open = 4 }

local function now_ms()
  local time = redis.call('TIME')
  return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end

-- The record under KEYS[1], or nil; the second value is true when the key holds something else.
local function read_state(key)
  local raw = redis.pcall('GET', key)
  if type(raw) == 'table' and raw.err then return nil, nil, true end
  if not raw then return nil, nil, false end
  local ok, record = pcall(cjson.decode, raw)
  if not ok or type(record) ~= 'table' or record.f ~= 'bw1' or severity[record.s] == nil
    or type(record.v) ~= 'number' or record.v < 1 or type(record.oa) ~= 'number'
    or type(record.ou) ~= 'number' or type(record.ra) ~= 'number' then
    return nil, nil, true
  end
  return record, raw, false
end
`;

/** `KEYS: state` → the record and Redis' time. */
export const readScript = `${prelude}
local record, raw, invalid = read_state(KEYS[1])
return { 'current', raw or '', now_ms(), invalid and 1 or 0, 0 }
`;

/**
 * `KEYS: state, lease, votes`; `ARGV: mode, base, state, openedAgoMs, remainingMs,
 * recoveryAttempt, ttlMs, writerId, channel, breakerId, quorumMin, quorumWindowMs`.
 *
 * - mode `save`: a transition made on the fleet version `base`. Written with the next fleet
 *   version when `base` is current or the stored record is the writer's own (its transitions follow each
 *   other); when `base` is older (a concurrent or partitioned writer), the more severe state
 *   wins and the stored one stands at equal severity (`stale`).
 *   With a quorum (`quorumMin` > 0) and the fleet closed, an open is a vote (`vote`, or written
 *   as `quorum` once `quorumMin` processes voted within the window) and other transitions stay
 *   local (`local`).
 * - mode `restore`: after Redis lost the key (a restart), writes a state the fleet had at
 *   version `base` back, unless a record exists again (`current`).
 *
 * `openedAgoMs` is -1 for "never opened"; `remainingMs` -2 for "not open", -1 for "until reset".
 */
export const writeScript = `${prelude}
local now = now_ms()
local record, raw, invalid = read_state(KEYS[1])
local flags = invalid and 1 or 0
local mode, base, incoming = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local fleet_version = record and record.v or 0
local fleet_state = record and record.s or 'closed'

if mode == 'restore' and record then return { 'current', raw, now, flags, 0 } end

local code = 'ok'
local votes = 0
local quorum = tonumber(ARGV[11])
if mode == 'save' and quorum > 0 and fleet_state == 'closed'
  and incoming ~= 'forced_open' and incoming ~= 'disabled' then
  if incoming ~= 'open' then return { 'local', raw or '', now, flags, 0 } end
  local kind = redis.call('TYPE', KEYS[3]).ok
  if kind ~= 'zset' and kind ~= 'none' then
    redis.call('DEL', KEYS[3])
    flags = flags + 2
  end
  local window = tonumber(ARGV[12])
  redis.call('ZADD', KEYS[3], now, ARGV[8])
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - window)
  redis.call('PEXPIRE', KEYS[3], window)
  votes = redis.call('ZCARD', KEYS[3])
  if votes < quorum then return { 'vote', raw or '', now, flags, votes } end
  redis.call('DEL', KEYS[3])
  code = 'quorum'
elseif mode == 'save' and record and base < fleet_version and record.w ~= ARGV[8]
  and severity[incoming] <= severity[fleet_state] then
  return { 'stale', raw, now, flags, 0 }
end

local version = math.max(fleet_version, base) + 1
if mode == 'restore' then version = math.max(base, 1) end
local opened_ago, remaining = tonumber(ARGV[4]), tonumber(ARGV[5])
local opened_at = 0
if opened_ago >= 0 then opened_at = math.max(1, now - opened_ago) end
local open_until = 0
if remaining == -1 then open_until = -1 elseif remaining >= 0 then open_until = now + remaining end
local fields = { f = 'bw1', s = incoming, v = version, oa = opened_at, ou = open_until,
  ra = tonumber(ARGV[6]), t = now, w = ARGV[8] }
local stored = cjson.encode(fields)
local ttl = tonumber(ARGV[7])
if remaining > 0 then ttl = ttl + remaining end
redis.call('SET', KEYS[1], stored, 'PX', ttl)
if incoming ~= 'half_open' then redis.call('DEL', KEYS[2]) end
fields.n = ARGV[10]
redis.call('PUBLISH', ARGV[9], cjson.encode(fields))
return { code, stored, now, flags, votes }
`;

/**
 * `KEYS: state, lease`; `ARGV: knownVersion, ttlMs, holderId`. Grants the probe lease (`SET NX
 * PX`) unless another process moved the fleet past `knownVersion` (`behind`: the caller gets
 * the record to apply first) or someone else holds it (`held`, with its remaining ms). A lease without an
 * expiry is not ours and is taken over.
 */
export const claimScript = `${prelude}
local now = now_ms()
local record, raw, invalid = read_state(KEYS[1])
local flags = invalid and 1 or 0
if record and record.v > tonumber(ARGV[1]) and record.w ~= ARGV[3] then
  return { 'behind', raw, now, flags, 0 }
end
local ttl = tonumber(ARGV[2])
if redis.call('SET', KEYS[2], ARGV[3], 'NX', 'PX', ttl) then
  return { 'granted', raw or '', now, flags, 0 }
end
local remaining = redis.call('PTTL', KEYS[2])
local holder = redis.pcall('GET', KEYS[2])
if holder == ARGV[3] or remaining < 0 then
  if holder ~= ARGV[3] then flags = flags + 2 end
  redis.call('SET', KEYS[2], ARGV[3], 'PX', ttl)
  return { 'granted', raw or '', now, flags, 0 }
end
return { 'held', raw or '', now, flags, remaining }
`;
