/** The Lua scripts of the Redis delivery store (`redis-delivery-store.ts`). */

/** A script's `names` table: the fields whose values it gets, in order. */
const luaNames = (fields: readonly string[]) =>
  `local names = { ${fields.map((name) => `'${name}'`).join(', ')} }`;

/** The fields a new delivery record stores, in the order ENSURE gets their values. */
export const ENSURE_FIELDS = [
  'tenant',
  'eventKey',
  'eventId',
  'eventSource',
  'eventType',
  'eventTime',
  'subscriptionId',
  'createdAt',
  'orderingKey',
] as const;

// KEYS: per delivery, its record, tenant index, subscription index, event set and the
// subscription's pending set. ARGV: per delivery, its index member ("<time>|<id>"), id,
// oldest member to keep, creation time in ms, status ('pending' or 'held'), then the values of
// ENSURE_FIELDS (values only: the names are the script's, not sent for every delivery; an empty
// one, an optional field the delivery has not, is not stored). Answers,
// per delivery, the record found, or an empty list when it created it (the caller knows what it
// wrote). Index entries older than the longest retention are trimmed here (each index once per
// call), so indexes do not grow forever. Each index and event set gets its new members in one
// command (the deliveries of an event share its set and their tenant's index): fewer commands,
// and fewer bytes in the AOF. A new delivery joins its subscription's pending set (by creation
// time), which metrics read; so does a held one.
export const ENSURE = `
${luaNames(ENSURE_FIELDS)}
local per = 5 + #names
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
  if redis.call('EXISTS', KEYS[k]) == 1 then
    found[#found + 1] = redis.call('HGETALL', KEYS[k])
  else
    local fields = { 'status', ARGV[a + 4] }
    for i, name in ipairs(names) do
      local value = ARGV[a + 4 + i]
      if value ~= '' then
        fields[#fields + 1] = name
        fields[#fields + 1] = value
      end
    end
    redis.call('HSET', KEYS[k], unpack(fields))
    redis.call('ZADD', KEYS[k + 4], ARGV[a + 3], ARGV[a + 1])
    trim(KEYS[k + 1], ARGV[a + 2])
    trim(KEYS[k + 2], ARGV[a + 2])
    add(indexes, KEYS[k + 1], 0, ARGV[a])
    add(indexes, KEYS[k + 2], 0, ARGV[a])
    add(sets, KEYS[k + 3], ARGV[a + 1])
    found[#found + 1] = {}
  end
  a = a + per
end
for _, key in ipairs(indexes.order) do redis.call('ZADD', key, unpack(indexes.members[key])) end
for _, key in ipairs(sets.order) do redis.call('SADD', key, unpack(sets.members[key])) end
return found`;

// KEYS: record, attempts list, the subscription's pending set. ARGV: updatedAt, the time in ms,
// id, then the statuses a replay may start from.
export const BEGIN_REPLAY = `
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return -1 end
for i = 4, #ARGV do
  if ARGV[i] == status then
    redis.call('PERSIST', KEYS[1])
    redis.call('PERSIST', KEYS[2])
    redis.call('HSET', KEYS[1], 'status', 'pending', 'updatedAt', ARGV[1], 'roundAttempts', '0')
    redis.call('HDEL', KEYS[1], 'nextAttemptAt', 'lastError')
    redis.call('ZADD', KEYS[3], ARGV[2], ARGV[3])
    return redis.call('HINCRBY', KEYS[1], 'round', 1)
  end
end
return -1`;

/** The fields an attempt updates, in the order RECORD_ATTEMPT gets their values. */
export const ATTEMPT_FIELDS = [
  'status',
  'attemptCount',
  'roundAttempts',
  'updatedAt',
  'nextAttemptAt',
  'lastError',
] as const;

// KEYS: per delivery, its record, attempts list and the subscription's pending set. ARGV: per
// delivery, the attempt (JSON), TTL in seconds (0: none), id, then the values of ATTEMPT_FIELDS;
// a field whose value is empty is removed (a field that is not there costs no write, to the AOF
// either). A final status takes the delivery out of its subscription's pending set.
export const RECORD_ATTEMPT = `
${luaNames(ATTEMPT_FIELDS)}
local per = 3 + #names
local done = {}
local a = 1
for k = 1, #KEYS, 3 do
  redis.call('RPUSH', KEYS[k + 1], ARGV[a])
  local set, unset = {}, {}
  for i, name in ipairs(names) do
    local value = ARGV[a + 2 + i]
    if value == '' then
      unset[#unset + 1] = name
    else
      set[#set + 1] = name
      set[#set + 1] = value
    end
  end
  redis.call('HSET', KEYS[k], unpack(set))
  if #unset > 0 then redis.call('HDEL', KEYS[k], unpack(unset)) end
  local ttl = tonumber(ARGV[a + 1])
  if ttl > 0 then
    redis.call('EXPIRE', KEYS[k], ttl)
    redis.call('EXPIRE', KEYS[k + 1], ttl)
  end
  local status = ARGV[a + 3]
  if status == 'delivered' or status == 'failed' or status == 'discarded' or status == 'superseded' then
    redis.call('ZREM', KEYS[k + 2], ARGV[a + 2])
  end
  a = a + per
  done[#done + 1] = 1
end
return done`;
