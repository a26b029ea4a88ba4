--[[
  The reserved manager picked up: he stops ringing and is on the call. His phone
  takes calls again: a do-not-disturb pause ends and the run of refusals is forgotten.

  KEYS[1] agent hash
  ARGV[1] call id
  ARGV[2] now, epoch ms
  ARGV[3] the do-not-disturb pause reason ('dnd-on-phone')

  Returns 1, or 0 (and changes nothing) when he is not ringing for this call.

  Why one script: the check "still ringing for this call" and the change must be
  one step, or an answer racing the ring timeout could take a manager another call
  has reserved since; and `calls` is read, appended and written back, which would
  lose a call placed by the manager in between.
]]
local call_id, now, dnd_reason = ARGV[1], ARGV[2], ARGV[3]
local f = redis.call('HMGET', KEYS[1], 'ringingFor', 'pauseReason')
if f[1] ~= call_id then return 0 end
local calls = calls_of(KEYS[1])
calls[#calls + 1] = call_id
local patch = { ringingFor = false, calls = calls, consecutiveMisses = '0', wrapUpUntil = false, consecutiveDeclines = false, declinesSince = false }
if f[2] == dnd_reason then patch.pauseReason = false end
save(KEYS[1], now, patch)
return 1
