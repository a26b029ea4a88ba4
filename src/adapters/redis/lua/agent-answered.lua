--[[
  The reserved manager picked up: he stops ringing and is on the call.

  KEYS[1] agent hash
  ARGV[1] call id
  ARGV[2] now, epoch ms

  Returns 1, or 0 (and changes nothing) when he is not ringing for this call.

  Why one script: the check "still ringing for this call" and the change must be
  one step, or an answer racing the ring timeout could take a manager another call
  has reserved since; and `calls` is read, appended and written back, which would
  lose a call placed by the manager in between.
]]
local call_id, now = ARGV[1], ARGV[2]
if redis.call('HGET', KEYS[1], 'ringingFor') ~= call_id then return 0 end
local calls = calls_of(KEYS[1])
calls[#calls + 1] = call_id
save(KEYS[1], now, { ringingFor = false, calls = calls, consecutiveMisses = '0', wrapUpUntil = false })
return 1
