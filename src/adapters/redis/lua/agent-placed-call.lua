--[[
  The manager placed a call himself (outbound or internal): he is on it from now,
  and any wrap-up left ends. He is at his phone: a do-not-disturb pause ends and
  the run of refusals is forgotten.

  KEYS[1] agent hash
  ARGV[1] call id
  ARGV[2] now, epoch ms
  ARGV[3] the do-not-disturb pause reason ('dnd-on-phone')

  Returns 1, or 0 (and changes nothing) when he is already on this call.

  Why one script: `calls` is read, appended and written back; a concurrent answer
  or end of another of his calls would otherwise be lost.
]]
local call_id, now, dnd_reason = ARGV[1], ARGV[2], ARGV[3]
local calls = calls_of(KEYS[1])
if has_call(calls, call_id) then return 0 end
calls[#calls + 1] = call_id
local patch = { calls = calls, wrapUpUntil = false, consecutiveDeclines = false, declinesSince = false }
if redis.call('HGET', KEYS[1], 'pauseReason') == dnd_reason then patch.pauseReason = false end
save(KEYS[1], now, patch)
return 1
