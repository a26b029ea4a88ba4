--[[
  Helpers shared by the agent scripts (reserve-*.lua, agent-*.lua).
  Redis has no includes, so create-redis.ts puts this file in front of each one.

  One hash per manager (RedisKeys.agent), its fields named after AgentState's
  (src/core/agents/agent-state.ts); a null field, an empty call list and a field
  never written are all simply absent:

    ringingFor          call id he is reserved for while his phone rings
    calls               JSON array of the call ids he is on, in order
    wrapUpUntil         epoch ms
    pauseReason         string
    consecutiveMisses   number
    consecutiveDeclines number (absent: 0)
    declinesSince       epoch ms
    since               epoch ms of the last change
    freeSince           epoch ms
    day                 YYYY-MM-DD the two counters belong to
    callsToday          number
    talkSecondsToday    number

  `registered` is not stored here: it is the registration key (RedisKeys.registration),
  which expires with the phone's registration.
]]

-- %.17g reads back, in Lua and in JavaScript, as the very same double: arithmetic
-- done here gives exactly what the TypeScript model computes.
local function num(x)
  return string.format('%.17g', x)
end

local function calls_of(key)
  local raw = redis.call('HGET', key, 'calls')
  if raw then return cjson.decode(raw) end
  return {}
end

local function has_call(calls, call_id)
  for _, c in ipairs(calls) do
    if c == call_id then return true end
  end
  return false
end

-- Writes one transition: `since` = now, and each field of `patch`: a string is set,
-- a list is stored as JSON, false (null) or an empty list removes the field.
local function save(key, now, patch)
  local set, del = { 'since', now }, {}
  for field, value in pairs(patch) do
    if type(value) == 'table' then
      value = #value > 0 and cjson.encode(value)
    end
    if value then
      set[#set + 1] = field
      set[#set + 1] = value
    else
      del[#del + 1] = field
    end
  end
  redis.call('HSET', key, unpack(set))
  if #del > 0 then redis.call('HDEL', key, unpack(del)) end
end

-- canOffer in agent-state.ts: may this manager be offered a call right now?
local function can_offer(agent, registration, now, max_calls, skip_busy)
  if redis.call('EXISTS', registration) == 0 then return false end
  local f = redis.call('HMGET', agent, 'ringingFor', 'pauseReason', 'wrapUpUntil')
  if f[1] or f[2] then return false end
  if f[3] and tonumber(now) < tonumber(f[3]) then return false end
  local busy = #calls_of(agent)
  if busy == 0 then return true end
  return not skip_busy and busy < max_calls
end
