--[[
  Reserves managers for a call: walks the candidates in order and makes ring for
  the call each one who may be offered it right now (canOffer in agent-state.ts),
  until `count` are reserved. Nothing is written for a candidate who is not taken.

  KEYS    two per candidate, in candidate order: agent hash, registration key
  ARGV[1] call id
  ARGV[2] count: how many to reserve at most
  ARGV[3] max concurrent calls
  ARGV[4] skip busy: '1' or '0'
  ARGV[5] now, epoch ms

  Returns the 0-based indexes of the reserved candidates, in candidate order.

  Why one script: checking that a manager is free and marking him ringing must be
  one step. Two service instances routing two calls at once would otherwise both
  read him free before either writes, and both ring him.
]]
local call_id, count, max_calls, skip_busy, now = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4] == '1', ARGV[5]

local reserved = {}
for i = 1, #KEYS - 1, 2 do
  if #reserved >= count then break end
  if can_offer(KEYS[i], KEYS[i + 1], now, max_calls, skip_busy) then
    save(KEYS[i], now, { ringingFor = call_id })
    reserved[#reserved + 1] = (i - 1) / 2
  end
end
return reserved
