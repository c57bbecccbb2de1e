/**
 * The Lua scripts of {@link RedisRateLimiter}: each acquisition and each report is one atomic
 * script on one budget's keys, timed by Redis (`TIME`), never by the processes' clocks.
 *
 * `KEYS[1]` is the budget, a hash: `t` tokens, `at` when they were counted, `w` the fixed window
 * `ws` counts (`-1`: none yet), `ws` the weight spent in it, `b` the server's last word on what
 * remains (`-1`: none) and `bu` until when it holds; times in Redis milliseconds. `KEYS[2]` is a
 * sorted set of the limiters using the budget, scored by the Redis time of their last call.
 * Anything else under these keys is reported (flag 1: the budget, 2: the members) and replaced;
 * a replaced budget starts empty, because the garbage may have hidden a spent one.
 */

const prelude = `
local capacity = tonumber(ARGV[1])
local per_ms = tonumber(ARGV[2])
local window_ms = tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local invalid = 0

local function number_or_nil(value)
  local n = tonumber(value)
  if n == nil or n ~= n or n == math.huge or n == -math.huge then return nil end
  return n
end

local tokens, at, win, spent, budget, budget_until = capacity, now, -1, 0, -1, 0
local kind = redis.call('TYPE', KEYS[1]).ok
if kind == 'hash' then
  local v = redis.call('HMGET', KEYS[1], 't', 'at', 'w', 'ws', 'b', 'bu')
  local t, a, w, s, b, u = number_or_nil(v[1]), number_or_nil(v[2]), number_or_nil(v[3]),
    number_or_nil(v[4]), number_or_nil(v[5]), number_or_nil(v[6])
  if t == nil or a == nil or w == nil or s == nil or b == nil or u == nil or t < 0 or s < 0 then
    invalid = 1
    tokens = 0
  else
    tokens, at, win, spent, budget, budget_until = t, a, w, s, b, u
  end
elseif kind ~= 'none' then
  invalid = 1
  tokens = 0
end
if invalid == 1 then redis.call('DEL', KEYS[1]) end
-- Redis time that went backwards (a failover to another host) refills nothing.
if at > now then at = now end
if tokens > capacity then tokens = capacity end
tokens = math.min(capacity, tokens + (now - at) * per_ms)
at = now
if window_ms > 0 then
  local current = math.floor(now / window_ms)
  if win ~= current then win = current; spent = 0 end
end
if budget >= 0 and now >= budget_until then budget = -1 end

local function save()
  redis.call('HSET', KEYS[1], 't', tostring(tokens), 'at', tostring(at), 'w', tostring(win),
    'ws', tostring(spent), 'b', tostring(budget), 'bu', tostring(budget_until))
  -- Gone once it would be full again anyway, and once every window and report it holds ended.
  local ttl = math.ceil(capacity / per_ms) + window_ms + 1000
  if budget >= 0 then ttl = math.max(ttl, budget_until - now + 1000) end
  redis.call('PEXPIRE', KEYS[1], ttl)
end
`;

/**
 * `KEYS: budget, members`; `ARGV: capacity, perMs, windowMs, need, more, reserve, maxBatch,
 * marginWeight, memberId, memberTtlMs`.
 *
 * Grants `need` (the first waiting call's weight) when it fits while leaving `reserve` (what
 * low-priority calls must leave to the others), plus an extra for the calls queued behind it
 * (`more`) and a pre-claim for the local fast path: together at most an n-th of what is left
 * with n limiters active, so one busy process cannot take the whole budget, and the pre-claim
 * at most `marginWeight / n`, so all pre-claimed weight not yet sent stays within the safety
 * margin.
 *
 * Reply: `{ granted (1|0), weight granted | ms to wait, lease ms (-1: none), limiters, invalid
 * flags, weight left }`, numbers as strings (Lua numbers lose their fraction as replies).
 */
export const acquireScript = `${prelude}
local need, more, reserve = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local max_batch, margin_weight = tonumber(ARGV[7]), tonumber(ARGV[8])

local members_kind = redis.call('TYPE', KEYS[2]).ok
if members_kind ~= 'zset' and members_kind ~= 'none' then
  redis.call('DEL', KEYS[2])
  invalid = invalid + 2
end
local member_ttl = tonumber(ARGV[10])
redis.call('ZADD', KEYS[2], now, ARGV[9])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - member_ttl)
redis.call('PEXPIRE', KEYS[2], member_ttl)
local n = math.max(1, redis.call('ZCARD', KEYS[2]))

-- A fixed window keeps the safety margin: it absorbs calls granted just before a boundary that
-- the server counts after it, and the skew between Redis' clock and the server's.
local window_cap = capacity - margin_weight
local available = tokens
if window_ms > 0 then available = math.min(available, window_cap - spent) end
if budget >= 0 then available = math.min(available, budget) end
local usable = available - reserve

local lease = -1
if window_ms > 0 then lease = (win + 1) * window_ms - now end
if budget >= 0 then
  if lease < 0 then lease = budget_until - now else lease = math.min(lease, budget_until - now) end
end

if usable + 1e-9 >= need then
  local share = math.floor(math.max(0, usable - need) / n)
  local preclaim = math.min(max_batch, math.floor(margin_weight / n))
  local extra = math.max(0, math.min(share, more + preclaim))
  local grant = need + extra
  tokens = math.max(0, tokens - grant)
  spent = spent + grant
  if budget >= 0 then budget = math.max(0, budget - grant) end
  save()
  return { '1', tostring(grant), tostring(lease), tostring(n), tostring(invalid),
    tostring(math.max(0, available - grant)) }
end

local wanted = need + reserve
local wait = 0
if tokens < wanted then wait = (wanted - tokens) / per_ms end
if window_ms > 0 and window_cap - spent < wanted then
  wait = math.max(wait, (win + 1) * window_ms - now)
end
if budget >= 0 and budget < wanted then wait = math.max(wait, budget_until - now) end
if invalid % 2 == 1 then save() end
return { '0', tostring(wait), tostring(lease), tostring(n), tostring(invalid),
  tostring(math.max(0, available)) }
`;

/**
 * `KEYS: budget`; `ARGV: capacity, perMs, windowMs, allowed, resetKind, resetValue,
 * maxResetWaitMs, lateReportMs`, `resetKind` one of `none`, `in` (ms from now), `at` (epoch
 * ms), `window` (fixed windows of `resetValue` ms aligned to the epoch).
 *
 * Tightens the budget with a server's report, as the core `RateLimiter.update()` does: without
 * a reset time the tokens drop to `allowed`; with one, nothing more than `allowed` is spent until
 * then (the tighter of two reports about one window; a tighter one with an earlier reset time,
 * such as a 429's Retry-After, holds only until then). A fixed-window count that arrives in the
 * first moments of a window may be the previous window's: it is ignored.
 *
 * Reply: `{ applied (1|0), invalid flags }`.
 */
export const reportScript = `${prelude}
local allowed, reset_kind = tonumber(ARGV[4]), ARGV[5]
local reset_value, max_reset, late_ms = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
local reset_at = nil
if reset_kind == 'in' then
  reset_at = now + reset_value
elseif reset_kind == 'at' then
  reset_at = reset_value
elseif reset_kind == 'window' then
  if now % reset_value < math.min(late_ms, reset_value / 10) then
    if invalid == 1 then save() end
    return { '0', tostring(invalid) }
  end
  reset_at = (math.floor(now / reset_value) + 1) * reset_value
end
if reset_at ~= nil and reset_at <= now then reset_at = nil end
if reset_at == nil then
  tokens = math.min(tokens, allowed)
  if budget >= 0 then budget = math.min(budget, allowed) end
else
  reset_at = math.min(reset_at, now + max_reset)
  if budget >= 0 and reset_at <= budget_until then
    -- A tighter limit that ends sooner (a 429's Retry-After inside a counted window) holds only
    -- that long; a looser one says nothing new about the window.
    if allowed < budget and reset_kind ~= 'window' and reset_at < budget_until then
      budget_until = reset_at
    end
    budget = math.min(budget, allowed)
  else
    budget = allowed
    budget_until = reset_at
  end
end
save()
return { '1', tostring(invalid) }
`;
