--[[
  A round-robin turn with nothing to reserve (callback tasks): takes the first member
  at or after the turn who is eligible and moves the turn to just after him
  (pickInTurn in src/core/routing/rotation.ts). Nothing changes when nobody is.

  KEYS[1]  the turn (RedisKeys.callbackTurn): a 0-based position in the member list
  ARGV[1]  one character per member of the full list, in its configured order:
           '1' when he may be given the task now, '0' otherwise

  Returns the 0-based index of the member taken, or -1.

  Why a script: read and moved apart, two service instances would take the same turn.
]]
local eligible = ARGV[1]
local count = #eligible
if count == 0 then return -1 end
local start = (tonumber(redis.call('GET', KEYS[1]) or '0') or 0) % count

for k = 0, count - 1 do
  local index = (start + k) % count
  if string.sub(eligible, index + 1, index + 1) == '1' then
    redis.call('SET', KEYS[1], (index + 1) % count)
    return index
  end
end
return -1
