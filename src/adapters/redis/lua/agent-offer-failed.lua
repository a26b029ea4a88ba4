--[[
  An offer ended without an answer (applyAgentEvent 'offer-failed' in agent-state.ts):
  frees the manager if this call holds him, counts a miss ('missed' only: a refusal
  or a cancel is not his silence) and a run of refusals ('declined': 486/600/603
  from a phone believed free, within a window of the first), and pauses him after
  `afterMisses` misses in a row (reason 'no-answer') or `dndAfterDeclines` refusals
  in a row (reason 'dnd-on-phone'), unless already paused.

  KEYS[1] agent hash
  ARGV[1] call id
  ARGV[2] outcome: 'missed', 'declined', 'rejected' or 'cancelled'
  ARGV[3] now, epoch ms
  ARGV[4] pause after this many misses in a row
  ARGV[5] pause after this many refusals in a row ...
  ARGV[6] ... all within this many ms of the first

  Returns { released, autoPaused } as 1/0; { 0, 0 } and no change when this call
  does not hold him.

  Why one script: a late failure of an old call must not free a manager another
  call has reserved since (check and release in one step), and the two counters are
  read-modify-writes.
]]
local call_id, outcome, now = ARGV[1], ARGV[2], tonumber(ARGV[3])
local pause_after, dnd_after, dnd_window = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local f = redis.call('HMGET', KEYS[1], 'ringingFor', 'consecutiveMisses', 'pauseReason', 'consecutiveDeclines', 'declinesSince')
if f[1] ~= call_id then return { 0, 0 } end
local misses = tonumber(f[2] or '0')
if outcome == 'missed' then misses = misses + 1 end

-- declineRun in agent-state.ts
local declines, declines_since = tonumber(f[4] or '0'), f[5] and tonumber(f[5]) or nil
if outcome ~= 'cancelled' then
  if outcome ~= 'declined' or #calls_of(KEYS[1]) > 0 then
    declines, declines_since = 0, nil
  elseif declines_since == nil or now - declines_since > dnd_window then
    declines, declines_since = 1, now
  else
    declines = declines + 1
  end
end

local reason = false
if not f[3] then
  if outcome == 'missed' and misses >= pause_after then
    reason = 'no-answer'
  elseif declines >= dnd_after then
    reason = 'dnd-on-phone'
  end
end
local patch = {
  ringingFor = false,
  consecutiveMisses = num(misses),
  consecutiveDeclines = declines > 0 and num(declines),
  declinesSince = declines_since and num(declines_since) or false,
}
if reason then patch.pauseReason = reason end
save(KEYS[1], ARGV[3], patch)
return { 1, reason and 1 or 0 }
