/**
 * The Lua scripts of the Redis delivery scheduler (`redis-delivery-scheduler.ts`). Per
 * subscription: its slots (a sorted set: member, lease end), its line (a sorted set: member,
 * when it joined) and, with `maxPerSecond`, the starts of the current second (a hash). A place in
 * line is `<event key>|<round>`. A slot is named by what holds it: `<event key>` for an attempt
 * made by a deliver job (should its worker die, the job comes back), `<event key>|<round>|run` for
 * a delivery handed a slot from the line and attempted by the process it was handed to, without a
 * job (should that process die, its lease lapses and it goes back to the head of the line). A
 * handed delivery whose attempt has ended, until its outcome is recorded, keeps a place in line
 * that is not due yet (scored in the future): its hold, which lapses into a due place should the
 * process die first, without a slot. The line's due places are those scored up to now. A set lists
 * the subscriptions that have a line or a handed slot, for the periodic sweep.
 *
 * Every script gets, per item, the keys: slots, line, the set of lines, starts; and answers, per
 * item, the places in line it handed a slot (a list), after its own answer where it has one.
 */

const FUNCTIONS = `
local swept = {}
-- Lapsed leases end (a dead worker's slot frees itself); a lapsed handed slot's delivery goes back
-- to the head of the line. Once per key and call.
local function sweep(slots, line, now)
  if swept[slots] then return end
  swept[slots] = true
  local lapsed = redis.call('ZRANGEBYSCORE', slots, '-inf', now)
  if #lapsed == 0 then return end
  redis.call('ZREMRANGEBYSCORE', slots, '-inf', now)
  for _, member in ipairs(lapsed) do
    local entry = string.match(member, '^(.*)|run$')
    if entry then redis.call('ZADD', line, 0, entry) end
  end
end

-- Starts this second still allowed (maxPerSecond > 0), else a number larger than any cap.
local function allowance(starts, perSecond, now)
  if perSecond <= 0 then return 1e9 end
  local at, n = unpack(redis.call('HMGET', starts, 'at', 'n'))
  if tonumber(at) ~= math.floor(now / 1000) then return perSecond end
  return perSecond - tonumber(n)
end

local function started(starts, perSecond, now, count)
  if perSecond <= 0 or count == 0 then return end
  local second = math.floor(now / 1000)
  if tonumber(redis.call('HGET', starts, 'at')) == second then
    redis.call('HINCRBY', starts, 'n', count)
  else
    redis.call('HSET', starts, 'at', second, 'n', count)
    redis.call('PEXPIRE', starts, 2000)
  end
end

-- The slots set outlives its last lease, to the next whole minute: its expiry moves once a
-- minute, not with every lease (each move is one more write to the AOF and the replicas).
local function lease(slots, member, ends, now)
  redis.call('ZADD', slots, ends, member)
  local ttl = redis.call('PTTL', slots)
  if ttl < 0 or now + ttl < ends then redis.call('PEXPIREAT', slots, ends - ends % 60000 + 60000) end
end

-- Hands each free slot to the head of the line (a handed slot, leased until ends); appends the
-- places handed to handed.
local function fill(slots, line, starts, max, perSecond, now, ends, handed)
  if redis.call('EXISTS', line) == 0 then return end
  local free = math.min(max - redis.call('ZCARD', slots), allowance(starts, perSecond, now))
  if free <= 0 then return end
  local due = redis.call('ZRANGEBYSCORE', line, '-inf', now, 'LIMIT', 0, free)
  if #due == 0 then return end
  redis.call('ZREM', line, unpack(due))
  for _, entry in ipairs(due) do
    lease(slots, entry .. '|run', ends, now)
    handed[#handed + 1] = entry
  end
  started(starts, perSecond, now, #due)
end

-- An ordered subscription's lane of one key: its deliveries (event keys) by acknowledgement
-- number; the head's number turns negative once it is under way (in line, attempted, retried).
-- The head gets its place in line when nothing is under way and no event of the key acknowledged
-- before it is still to be routed (in the key's intake).
local function promote(lane, intake, line, lines, sub, now)
  local head = redis.call('ZRANGE', lane, 0, 0, 'WITHSCORES')
  if #head == 0 then return end
  local seq = tonumber(head[2])
  if seq < 0 then return end
  local first = redis.call('ZRANGE', intake, 0, 0, 'WITHSCORES')
  if #first > 0 and tonumber(first[2]) < seq then return end
  redis.call('ZADD', lane, -seq, head[1])
  redis.call('ZADD', line, 'NX', now, head[1] .. '|0')
  redis.call('SADD', lines, sub)
end
`;

// ARGV per item: now, lease end, event key, round, max in flight, max per second (0: none),
// subscription id, '1' when the caller is the process the delivery was handed to (else '0').
// Answers per item { code, handed... }: 1 start, 0 queued, 2 in flight.
export const ADMIT = `${FUNCTIONS}
local answers = {}
for k = 1, #KEYS, 4 do
  local slots, line, lines, starts = KEYS[k], KEYS[k + 1], KEYS[k + 2], KEYS[k + 3]
  local a = (k - 1) / 4 * 8
  local now, ends = tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
  local key, max, perSecond, sub = ARGV[a + 3], tonumber(ARGV[a + 5]), tonumber(ARGV[a + 6]), ARGV[a + 7]
  local entry = key .. '|' .. ARGV[a + 4]
  local run = entry .. '|run'
  local answer = { 0 }
  sweep(slots, line, now)
  local held = redis.call('ZMSCORE', slots, run, key)
  if held[1] and ARGV[a + 8] == '1' then
    if max > 0 then
      lease(slots, run, ends, now)
      answer[1] = 1
    else
      -- Paused since it was handed the slot: back to the head of the line.
      redis.call('ZREM', slots, run)
      redis.call('ZADD', line, 0, entry)
      redis.call('SADD', lines, sub)
    end
  elseif held[1] or held[2] then
    answer[1] = 2
  elseif redis.call('ZCOUNT', line, '-inf', now) == 0 and redis.call('ZCARD', slots) < max
    and allowance(starts, perSecond, now) >= 1 then
    lease(slots, key, ends, now)
    started(starts, perSecond, now, 1)
    answer[1] = 1
  else
    -- Behind every delivery already waiting; a slot left free (a lapsed lease, a new second) goes
    -- to the head of the line at once, which may be this delivery.
    redis.call('ZADD', line, 'NX', now, entry)
    redis.call('SADD', lines, sub)
    local handed = {}
    fill(slots, line, starts, max, perSecond, now, ends, handed)
    for _, member in ipairs(handed) do
      if member == entry then
        redis.call('ZREM', slots, run)
        lease(slots, key, ends, now)
        answer[1] = 1
      else
        answer[#answer + 1] = member
      end
    end
  end
  answers[#answers + 1] = answer
end
return answers`;

// Routes a new delivery straight into its subscription's line when others wait there (or the
// subscription lets none start: paused, disabled), so it needs no job to take its place. ARGV per
// item: now, lease end of a slot handed on, event key, max in flight, max per second (0: none),
// subscription id. Answers per item { 1 lined (or 0: may start, give it a job), handed... }; a slot
// left free goes to the head of the line at once.
export const LINE_UP = `${FUNCTIONS}
local answers = {}
for k = 1, #KEYS, 4 do
  local slots, line, lines, starts = KEYS[k], KEYS[k + 1], KEYS[k + 2], KEYS[k + 3]
  local a = (k - 1) / 4 * 6
  local now, max = tonumber(ARGV[a + 1]), tonumber(ARGV[a + 4])
  local answer = { 0 }
  if max == 0 or redis.call('ZCOUNT', line, '-inf', now) > 0 then
    answer[1] = 1
    redis.call('ZADD', line, 'NX', now, ARGV[a + 3] .. '|0')
    redis.call('SADD', lines, ARGV[a + 6])
    local handed = {}
    fill(slots, line, starts, max, tonumber(ARGV[a + 5]), now, tonumber(ARGV[a + 2]), handed)
    for _, member in ipairs(handed) do answer[#answer + 1] = member end
  end
  answers[#answers + 1] = answer
end
return answers`;

// KEYS per item: slots, line, the set of lines, starts, lane, intake, the subscription's blocked
// keys (the last three only used for a lane). ARGV per item: now, lease end of a slot handed on,
// event key, round, max in flight, max per second (0: none), until when a handed delivery holds a
// place not due yet while its outcome is recorded (0: no such hold), what its lane does ('1': it
// goes on, the delivery has ended; '2': it is blocked behind the delivery, which failed for good;
// '0': nothing), subscription id, ordering key. Whatever else the delivery holds goes: its slot
// (either kind), its place in line.
export const RELEASE = `${FUNCTIONS}
local answers = {}
for k = 1, #KEYS, 7 do
  local slots, line, lines, starts = KEYS[k], KEYS[k + 1], KEYS[k + 2], KEYS[k + 3]
  local lane, intake, blocked = KEYS[k + 4], KEYS[k + 5], KEYS[k + 6]
  local a = (k - 1) / 7 * 10
  local now = tonumber(ARGV[a + 1])
  local key = ARGV[a + 3]
  local entry = key .. '|' .. ARGV[a + 4]
  redis.call('ZREM', slots, key, entry .. '|run')
  local holdUntil = tonumber(ARGV[a + 7])
  if ARGV[a + 8] == '1' then
    local head = redis.call('ZRANGE', lane, 0, 0, 'WITHSCORES')
    if head[1] == key and tonumber(head[2]) < 0 then
      redis.call('ZREM', lane, key)
      redis.call('HDEL', blocked, key)
      promote(lane, intake, line, lines, ARGV[a + 9], now)
    end
  elseif ARGV[a + 8] == '2' then
    -- Only the head under way blocks its key (not a stale job of a delivery skipped since).
    local head = redis.call('ZRANGE', lane, 0, 0, 'WITHSCORES')
    if head[1] == key and tonumber(head[2]) < 0 then redis.call('HSET', blocked, key, ARGV[a + 10]) end
  end
  local lined = holdUntil > 0 or redis.call('EXISTS', line) == 1
  if holdUntil > 0 then
    redis.call('ZADD', line, holdUntil, entry)
  elseif lined then
    redis.call('ZREM', line, entry)
  end
  local handed = {}
  if lined then
    fill(slots, line, starts, tonumber(ARGV[a + 5]), tonumber(ARGV[a + 6]), now, tonumber(ARGV[a + 2]), handed)
  end
  answers[#answers + 1] = handed
end
return answers`;

// Routes events to the lanes of their tenant's ordered subscriptions. KEYS per event: its intake,
// the acknowledgement counter, then per subscription: slots, line, the set of lines, starts, lane.
// ARGV per event: the number of subscriptions, now, the identity key, the event key, then per
// subscription: '1' when the event is for it (else its lane is only looked at: the event no longer
// holds it up), max in flight, max per second (0: none), lease end, subscription id. The event
// leaves its key's intake; one that never entered it (claimed before the intake existed) counts as
// acknowledged now. Answers per event, per subscription, the places handed a slot.
export const ENTER = `${FUNCTIONS}
local answers = {}
local k, a = 1, 1
while k <= #KEYS do
  local intake, counter = KEYS[k], KEYS[k + 1]
  local subs, now, identity, key = tonumber(ARGV[a]), tonumber(ARGV[a + 1]), ARGV[a + 2], ARGV[a + 3]
  local seq = redis.call('ZSCORE', intake, identity)
  if seq then
    seq = tonumber(seq)
    redis.call('ZREM', intake, identity)
  else
    seq = tonumber(redis.call('GET', counter) or '0') + 0.5
  end
  k, a = k + 2, a + 4
  local perSubscription = {}
  for _ = 1, subs do
    local slots, line, lines, starts, lane = KEYS[k], KEYS[k + 1], KEYS[k + 2], KEYS[k + 3], KEYS[k + 4]
    if ARGV[a] == '1' then redis.call('ZADD', lane, 'NX', seq, key) end
    promote(lane, intake, line, lines, ARGV[a + 4], now)
    local handed = {}
    fill(slots, line, starts, tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2]), now, tonumber(ARGV[a + 3]), handed)
    perSubscription[#perSubscription + 1] = handed
    k, a = k + 5, a + 5
  end
  answers[#answers + 1] = perSubscription
end
return answers`;

// Skips the blocked head of a lane: KEYS: the subscription's blocked keys, the lane, its key's
// intake, the line, the set of lines. ARGV: the head's event key, subscription id, now, the
// ordering key. Answers 1 when it was the blocked head (the lane goes on: its next delivery takes
// its place in line, for a sweep to hand a slot), else 0.
export const SKIP = `${FUNCTIONS}
local blocked, lane, intake, line, lines = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local key = ARGV[1]
if redis.call('HGET', blocked, key) ~= ARGV[4] then return 0 end
redis.call('HDEL', blocked, key)
local head = redis.call('ZRANGE', lane, 0, 0, 'WITHSCORES')
if head[1] ~= key or tonumber(head[2]) >= 0 then return 0 end
redis.call('ZREM', lane, key)
promote(lane, intake, line, lines, ARGV[2], tonumber(ARGV[3]))
return 1`;

// ARGV per item: now, lease end of a slot handed on, max in flight, max per second (0: none),
// subscription id.
export const SWEEP = `${FUNCTIONS}
local answers = {}
for k = 1, #KEYS, 4 do
  local slots, line, lines, starts = KEYS[k], KEYS[k + 1], KEYS[k + 2], KEYS[k + 3]
  local a = (k - 1) / 4 * 5
  local now = tonumber(ARGV[a + 1])
  sweep(slots, line, now)
  local handed = {}
  fill(slots, line, starts, tonumber(ARGV[a + 3]), tonumber(ARGV[a + 4]), now, tonumber(ARGV[a + 2]), handed)
  -- Off the list once nothing can come back to the line: no handed slot may lapse into it.
  if redis.call('EXISTS', line) == 0 then
    local out = true
    for _, member in ipairs(redis.call('ZRANGE', slots, 0, -1)) do
      if string.sub(member, -4) == '|run' then out = false end
    end
    if out then redis.call('SREM', lines, ARGV[a + 5]) end
  end
  answers[#answers + 1] = handed
end
return answers`;
