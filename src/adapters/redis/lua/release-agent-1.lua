--[[
  Frees a manager only if the given call still holds him, so a late event of an
  old call cannot free a manager who is already ringing for a new one.

  KEYS[1] agent holds hash (field: extension, value: JSON {activity, callId, since})
  ARGV[1] extension
  ARGV[2] call id

  Returns 1 when released, 0 when another call (or none) holds the manager.
]]
local hold = redis.call('HGET', KEYS[1], ARGV[1])
if hold and cjson.decode(hold).callId == ARGV[2] then
  redis.call('HDEL', KEYS[1], ARGV[1])
  return 1
end
return 0
