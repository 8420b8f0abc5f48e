/** The Lua scripts of the Redis delivery store (`redis-delivery-store.ts`). */

// KEYS: per delivery, its record, attempts list, tenant index, subscription index and event set.
// ARGV: per delivery, its index member ("<time>|<id>"), id, oldest member to keep, the number of
// field/value arguments, then those. Answers, per delivery, the record found, or an empty list
// when it created it (the caller knows what it wrote). Index entries older than the longest
// retention are trimmed here (each index once per call), so indexes do not grow forever. Each
// index and event set gets its new members in one command (the deliveries of an event share
// its set and their tenant's index): fewer commands, and fewer bytes in the AOF.
export const ENSURE = `
local found = {}
-- New members per key, keys in the order they came: sorted-set indexes, and event sets.
local indexes, sets = { order = {}, members = {} }, { order = {}, members = {} }
local function add(into, key, ...)
  local list = into.members[key]
  if not list then
    list = {}
    into.members[key] = list
    into.order[#into.order + 1] = key
  end
  for i = 1, select('#', ...) do list[#list + 1] = select(i, ...) end
end
local trimmed = {}
local function trim(index, oldest)
  if trimmed[index] then return end
  trimmed[index] = true
  redis.call('ZREMRANGEBYLEX', index, '-', '(' .. oldest)
end
local a = 1
for k = 1, #KEYS, 5 do
  local n = tonumber(ARGV[a + 3])
  if redis.call('EXISTS', KEYS[k]) == 1 then
    found[#found + 1] = redis.call('HGETALL', KEYS[k])
  else
    redis.call('HSET', KEYS[k], unpack(ARGV, a + 4, a + 3 + n))
    trim(KEYS[k + 2], ARGV[a + 2])
    trim(KEYS[k + 3], ARGV[a + 2])
    add(indexes, KEYS[k + 2], 0, ARGV[a])
    add(indexes, KEYS[k + 3], 0, ARGV[a])
    add(sets, KEYS[k + 4], ARGV[a + 1])
    found[#found + 1] = {}
  end
  a = a + 4 + n
end
for _, key in ipairs(indexes.order) do redis.call('ZADD', key, unpack(indexes.members[key])) end
for _, key in ipairs(sets.order) do redis.call('SADD', key, unpack(sets.members[key])) end
return found`;

// KEYS: record, attempts list. ARGV: updatedAt, then the statuses a replay may start from.
export const BEGIN_REPLAY = `
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return -1 end
for i = 2, #ARGV do
  if ARGV[i] == status then
    redis.call('PERSIST', KEYS[1])
    redis.call('PERSIST', KEYS[2])
    redis.call('HSET', KEYS[1], 'status', 'pending', 'updatedAt', ARGV[1], 'roundAttempts', '0')
    redis.call('HDEL', KEYS[1], 'nextAttemptAt', 'lastError')
    return redis.call('HINCRBY', KEYS[1], 'round', 1)
  end
end
return -1`;

// KEYS: per delivery, its record and attempts list. ARGV: per delivery, the attempt (JSON), TTL in
// seconds (0: none), the number of field/value arguments of the record, then those; a field whose
// value is empty is removed (a field that is not there costs no write, to the AOF either).
export const RECORD_ATTEMPT = `
local done = {}
local a = 1
for k = 1, #KEYS, 2 do
  local n = tonumber(ARGV[a + 2])
  redis.call('RPUSH', KEYS[k + 1], ARGV[a])
  local set, unset = {}, {}
  for i = a + 3, a + 1 + n, 2 do
    if ARGV[i + 1] == '' then
      unset[#unset + 1] = ARGV[i]
    else
      set[#set + 1] = ARGV[i]
      set[#set + 1] = ARGV[i + 1]
    end
  end
  redis.call('HSET', KEYS[k], unpack(set))
  if #unset > 0 then redis.call('HDEL', KEYS[k], unpack(unset)) end
  local ttl = tonumber(ARGV[a + 1])
  if ttl > 0 then
    redis.call('EXPIRE', KEYS[k], ttl)
    redis.call('EXPIRE', KEYS[k + 1], ttl)
  end
  a = a + 3 + n
  done[#done + 1] = 1
end
return done`;
