--[[
  His phone registered anew, not a refresh (applyAgentEvent 'registered-afresh' in
  agent-state.ts): a 'dnd-on-phone' pause ends and the run of refusals is forgotten;
  any other pause stays.

  KEYS[1] agent hash
  ARGV[1] now, epoch ms
  ARGV[2] the do-not-disturb pause reason ('dnd-on-phone')

  Returns 1 when this ended a do-not-disturb pause, else 0 (and nothing changes
  when there was neither a pause nor a run of refusals).

  Why one script: the check of the reason and the unpause must be one step, or a
  supervisor's pause set in between would be lifted.
]]
local now, dnd_reason = ARGV[1], ARGV[2]
local f = redis.call('HMGET', KEYS[1], 'pauseReason', 'consecutiveDeclines')
local was_dnd = f[1] == dnd_reason
if not was_dnd and tonumber(f[2] or '0') == 0 then return 0 end
local patch = { consecutiveDeclines = false, declinesSince = false }
if was_dnd then patch.pauseReason = false end
save(KEYS[1], now, patch)
return was_dnd and 1 or 0
