--[[
  A call the manager was on ended: it leaves his calls, wrap-up runs until
  now + wrapUpMs (he is free from then on if no call remains), and today's counters
  grow, starting again from zero on a new local day.

  KEYS[1] agent hash
  ARGV[1] call id
  ARGV[2] now, epoch ms
  ARGV[3] wrap-up, ms
  ARGV[4] talk seconds of this call
  ARGV[5] local date, YYYY-MM-DD

  Returns 1, or 0 (and changes nothing) when he is not on this call, so a second
  end of the same call (both instances heard the hang-up) is not counted twice.

  Why one script: the "is he on it" check, the removal from `calls` and the
  counters are one read-modify-write; two ends at once must count once.
]]
local call_id, now, wrap_up_ms, talk_seconds, day = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
local calls = calls_of(KEYS[1])
if not has_call(calls, call_id) then return 0 end
local rest = {}
for _, c in ipairs(calls) do
  if c ~= call_id then rest[#rest + 1] = c end
end
local f = redis.call('HMGET', KEYS[1], 'day', 'callsToday', 'talkSecondsToday')
local calls_today, talk_today = 0, 0
if f[1] == day then
  calls_today, talk_today = tonumber(f[2] or '0'), tonumber(f[3] or '0')
end
local wrap_up_until = num(tonumber(now) + wrap_up_ms)
local patch = {
  calls = rest,
  wrapUpUntil = wrap_up_until,
  day = day,
  callsToday = num(calls_today + 1),
  talkSecondsToday = num(talk_today + talk_seconds),
}
if #rest == 0 then patch.freeSince = wrap_up_until end
save(KEYS[1], now, patch)
return 1
