--[[
  The manager placed a call himself (outbound or internal): he is on it from now,
  and any wrap-up left ends.

  KEYS[1] agent hash
  ARGV[1] call id
  ARGV[2] now, epoch ms

  Returns 1, or 0 (and changes nothing) when he is already on this call.

  Why one script: `calls` is read, appended and written back; a concurrent answer
  or end of another of his calls would otherwise be lost.
]]
local call_id, now = ARGV[1], ARGV[2]
local calls = calls_of(KEYS[1])
if has_call(calls, call_id) then return 0 end
calls[#calls + 1] = call_id
save(KEYS[1], now, { calls = calls, wrapUpUntil = false })
return 1
