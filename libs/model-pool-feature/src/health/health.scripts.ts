// The transitions of @shoal/model-routing's deployment-health.ts, each one Lua script so that every
// replica's read-modify-write of a deployment's health is atomic. A script that changes what routing
// sees (a cooldown set or extended, the breaker opened, reopened or closed) publishes the
// deployment's new routing view on the health channel in the same step, so no replica can read the
// new state before the message is on its way.
//
// The state hash's fields: v version, cu/cr cooldown until/reason, bo/bu/bl breaker open/until/level,
// s/ss streak count/start, lk last failure kind, rl/ra rate-limit level/at, tt/le TTFT/latency EWMA.
// Window hashes (one per deployment and minute): q requests, t tokens, n calls, e errors.
// A state hash expires a day after its last write: a deployment deleted from the configuration
// leaves nothing behind for long, and a day-idle one starts over healthy (every cooldown and open
// period is far shorter).

/** The routing view a script publishes: JSON `{id, v, cu, cr, bo, bu, lk}`. */
const PUBLISH_VIEW = `
local STATE_TTL_MS = 86400000
local function publishView(channel, id, v, cu, cr, bo, bu, lk)
  redis.call('PUBLISH', channel, cjson.encode({id = id, v = v, cu = cu, cr = cr, bo = bo, bu = bu, lk = lk}))
end
`;

// KEYS: state, current window, probe. ARGV: id, now, kind, class (rate|transient|other), cooldownMs,
// Retry-After given (1|0), threshold, failure window, first open period, max open period,
// rate-limit default, rate-limit max, rate-limit decay, channel, window ttl.
// Returns {ms out of rotation from now, streak, transition or ''}.
export const FAILURE_LUA = `${PUBLISH_VIEW}
local id, now, kind, class = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4]
local cooldownMs, given = tonumber(ARGV[5]), ARGV[6] == '1'
local threshold, windowMs = tonumber(ARGV[7]), tonumber(ARGV[8])
local openMs, maxOpenMs = tonumber(ARGV[9]), tonumber(ARGV[10])
local rlDefault, rlMax, rlDecay = tonumber(ARGV[11]), tonumber(ARGV[12]), tonumber(ARGV[13])
local f = redis.call('HMGET', KEYS[1], 'v', 'cu', 'cr', 'bo', 'bu', 'bl', 's', 'ss', 'rl', 'ra')
local v = tonumber(f[1] or '0') + 1
local cu, cr = tonumber(f[2] or '0'), f[3] or ''
local bo, bu, bl = f[4] == '1', tonumber(f[5] or '0'), tonumber(f[6] or '0')
local s, ss = tonumber(f[7] or '0'), tonumber(f[8] or '0')
local rl, ra = tonumber(f[9] or '0'), tonumber(f[10] or '0')
local cu0, bo0, bu0 = cu, bo, bu
if s == 0 or now - ss > windowMs then s = 1; ss = now else s = s + 1 end
local transition = ''
local function cool(ms)
  if ms <= 0 then return end
  if now + ms > cu then
    if cu <= now and transition == '' then transition = 'cooldown_started' end
    cu = now + ms
    cr = kind
  end
end
if class == 'rate' then
  local level = rl
  if level > 0 and rlDecay > 0 then level = math.max(0, level - math.floor(math.max(0, now - ra) / rlDecay)) end
  if given then cool(cooldownMs) else cool(math.min(rlMax, rlDefault * 2 ^ level)); level = level + 1 end
  rl, ra = level, now
elseif class == 'transient' then
  if given then cool(cooldownMs) end
  if bo and now >= bu then
    bl = bl + 1
    bu = now + math.min(maxOpenMs, openMs * 2 ^ bl)
    transition = 'breaker_reopened'
  elseif (not bo) and s >= threshold then
    bo, bl, bu = true, 0, now + openMs
    transition = 'breaker_opened'
  end
else
  cool(cooldownMs)
end
redis.call('HSET', KEYS[1], 'v', v, 'cu', cu, 'cr', cr, 'bo', bo and 1 or 0, 'bu', bu, 'bl', bl, 's', s, 'ss', ss, 'lk', kind, 'rl', rl, 'ra', ra)
redis.call('PEXPIRE', KEYS[1], STATE_TTL_MS)
redis.call('HINCRBY', KEYS[2], 'n', 1)
redis.call('HINCRBY', KEYS[2], 'e', 1)
redis.call('PEXPIRE', KEYS[2], ARGV[15])
redis.call('DEL', KEYS[3])
if cu ~= cu0 or bo ~= bo0 or bu ~= bu0 then publishView(ARGV[14], id, v, cu, cr, bo and 1 or 0, bu, kind) end
local block = 0
if cu > now then block = cu end
if bo and now < bu and bu > block then block = bu end
if block > 0 then block = block - now end
return {block, s, transition}
`;

// The successes of one deployment reported in one turn of the event loop, applied in order as one
// step. KEYS: state, current window, probe. ARGV: id, alpha, channel, window ttl, then per success
// its latency ms or '' and TTFT ms or ''. Returns the transition ('breaker_closed') or ''.
export const SUCCESS_LUA = `${PUBLISH_VIEW}
local alpha = tonumber(ARGV[2])
local f = redis.call('HMGET', KEYS[1], 'v', 'bo', 'le', 'tt', 'cu', 'cr', 'lk')
local v = tonumber(f[1] or '0') + 1
local le, tt = tonumber(f[3] or ''), tonumber(f[4] or '')
local function ewma(prev, sample)
  if sample == nil then return prev end
  if prev == nil then return sample end
  return prev + alpha * (sample - prev)
end
local n = 0
for i = 5, #ARGV, 2 do
  le = ewma(le, tonumber(ARGV[i]))
  tt = ewma(tt, tonumber(ARGV[i + 1]))
  n = n + 1
end
local fields = {'v', v, 's', 0, 'ss', 0, 'bo', 0, 'bu', 0, 'bl', 0}
if le ~= nil then fields[#fields + 1] = 'le'; fields[#fields + 1] = le end
if tt ~= nil then fields[#fields + 1] = 'tt'; fields[#fields + 1] = tt end
redis.call('HSET', KEYS[1], unpack(fields))
redis.call('PEXPIRE', KEYS[1], STATE_TTL_MS)
redis.call('HINCRBY', KEYS[2], 'n', n)
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call('DEL', KEYS[3])
if f[2] == '1' then
  publishView(ARGV[3], ARGV[1], v, tonumber(f[5] or '0'), f[6] or '', 0, 0, f[7] or '')
  return 'breaker_closed'
end
return ''
`;

// KEYS: state. ARGV: id, until, reason, channel. Extends, never shortens. Returns 1 when it changed.
export const COOLDOWN_LUA = `${PUBLISH_VIEW}
local f = redis.call('HMGET', KEYS[1], 'v', 'cu', 'bo', 'bu', 'lk')
local untilMs = tonumber(ARGV[2])
if untilMs <= tonumber(f[2] or '0') then return 0 end
local v = tonumber(f[1] or '0') + 1
redis.call('HSET', KEYS[1], 'v', v, 'cu', untilMs, 'cr', ARGV[3])
redis.call('PEXPIRE', KEYS[1], STATE_TTL_MS)
publishView(ARGV[4], ARGV[1], v, untilMs, ARGV[3], f[3] == '1' and 1 or 0, tonumber(f[4] or '0'), f[5] or '')
return 1
`;

// One acquisition. KEYS: state, in-flight leases (zset token → expiry), probe, current window.
// Returns ok | probe | cooling | probe_in_flight | at_capacity.
const ACQUIRE_ONE = `
local function acquireOne(now, token, leaseMs, probeMs, cap, windowTtl)
  local f = redis.call('HMGET', KEYS[1], 'cu', 'bo', 'bu')
  if tonumber(f[1] or '0') > now then return 'cooling' end
  local probe = false
  if f[2] == '1' then
    if now < tonumber(f[3] or '0') then return 'cooling' end
    if not redis.call('SET', KEYS[3], token, 'PX', probeMs, 'NX') then return 'probe_in_flight' end
    probe = true
  end
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
  if (not probe) and cap ~= '' and redis.call('ZCARD', KEYS[2]) >= tonumber(cap) then return 'at_capacity' end
  redis.call('ZADD', KEYS[2], now + tonumber(leaseMs), token)
  redis.call('PEXPIRE', KEYS[2], tonumber(leaseMs) + 60000)
  redis.call('HINCRBY', KEYS[4], 'q', 1)
  redis.call('PEXPIRE', KEYS[4], windowTtl)
  if probe then return 'probe' end
  return 'ok'
end
`;

// KEYS: as ACQUIRE_ONE. ARGV: now, token, lease ms, probe ms, max concurrency or '', window ttl.
export const ACQUIRE_LUA = `${ACQUIRE_ONE}
return acquireOne(tonumber(ARGV[1]), ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6])
`;

// The acquisitions made without waiting for an answer (no cap, the mirror says healthy) in one turn
// of the event loop, one after the other, as ACQUIRE_ONE would take them but with one write of each
// kind for all of them (a Redis command per acquisition was most of this script's cost, and Redis's
// CPU is shared by every replica): the state is read once (nothing here changes it), expired leases
// are dropped once, up to the latest acquisition's now, and the granted leases are added together.
// KEYS: as ACQUIRE_ONE. ARGV: lease ms, probe ms, window ttl, then per acquisition its now and token.
// Returns how many were granted.
export const ACQUIRE_MANY_LUA = `
local leaseMs, probeMs = tonumber(ARGV[1]), ARGV[2]
local f = redis.call('HMGET', KEYS[1], 'cu', 'bo', 'bu')
local cu, open, bu = tonumber(f[1] or '0'), f[2] == '1', tonumber(f[3] or '0')
local leases, latest, n = {}, 0, 0
for i = 4, #ARGV, 2 do
  local now, token = tonumber(ARGV[i]), ARGV[i + 1]
  -- cooling, or the breaker open: no lease; half-open: the first one takes the probe, the rest none
  if cu <= now and ((not open) or (now >= bu and redis.call('SET', KEYS[3], token, 'PX', probeMs, 'NX'))) then
    leases[#leases + 1] = now + leaseMs
    leases[#leases + 1] = token
    if now > latest then latest = now end
    n = n + 1
  end
end
if n == 0 then return 0 end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', latest)
redis.call('ZADD', KEYS[2], unpack(leases))
redis.call('PEXPIRE', KEYS[2], leaseMs + 60000)
redis.call('HINCRBY', KEYS[4], 'q', n)
redis.call('PEXPIRE', KEYS[4], ARGV[3])
return n
`;

// KEYS: in-flight leases, probe, current window. ARGV: window ttl, then per lease handed back (those
// of one turn of the event loop) its token, probe (1|0) and tokens. One ZREM and one count of tokens
// for all of them.
export const RELEASE_LUA = `
local tokens, total = {}, 0
for i = 2, #ARGV, 3 do
  tokens[#tokens + 1] = ARGV[i]
  if ARGV[i + 1] == '1' and redis.call('GET', KEYS[2]) == ARGV[i] then redis.call('DEL', KEYS[2]) end
  total = total + tonumber(ARGV[i + 2])
end
redis.call('ZREM', KEYS[1], unpack(tokens))
if total > 0 then
  redis.call('HINCRBY', KEYS[3], 't', total)
  redis.call('PEXPIRE', KEYS[3], ARGV[1])
end
return 1
`;
