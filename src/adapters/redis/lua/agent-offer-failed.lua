--[[
  An offer ended without an answer: frees the manager if this call holds him,
  counts a miss ('missed' only: a rejection or a cancel is not his fault) and
  pauses him after `autoPauseAfterMisses` misses in a row, unless already paused.

  KEYS[1] agent hash
  ARGV[1] call id
  ARGV[2] outcome: 'missed', 'rejected' or 'cancelled'
  ARGV[3] now, epoch ms
  ARGV[4] auto-pause after this many misses in a row
  ARGV[5] pause reason to set when pausing automatically

  Returns { released, autoPaused } as 1/0; { 0, 0 } and no change when this call
  does not hold him.

  Why one script: a late failure of an old call must not free a manager another
  call has reserved since (check and release in one step), and the miss counter
  is a read-modify-write.
]]
local call_id, outcome, now, pause_after, pause_reason = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5]
local f = redis.call('HMGET', KEYS[1], 'ringingFor', 'consecutiveMisses', 'pauseReason')
if f[1] ~= call_id then return { 0, 0 } end
local misses = tonumber(f[2] or '0')
if outcome == 'missed' then misses = misses + 1 end
local auto_pause = outcome == 'missed' and misses >= pause_after and not f[3]
local patch = { ringingFor = false, consecutiveMisses = num(misses) }
if auto_pause then patch.pauseReason = pause_reason end
save(KEYS[1], now, patch)
return { 1, auto_pause and 1 or 0 }
