--[[
  Frees a manager only if the given call still holds him, so a late event of an
  old call cannot free a manager who is already ringing for a new one.

  KEYS[1] agent hold key (hash: activity, callId, since)
  ARGV[1] call id

  Returns 1 when released, 0 when another call (or none) holds the manager.
]]
if redis.call('HGET', KEYS[1], 'callId') == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
