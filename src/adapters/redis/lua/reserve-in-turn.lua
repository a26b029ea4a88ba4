--[[
  Round-robin: reserves the first member at or after the group's turn who may be
  offered the call right now, and moves the turn to just after him (pickInTurn in
  src/core/routing/rotation.ts). Nothing changes when nobody can take the call.

  KEYS[1]   the group's turn (RedisKeys.turn): a 0-based position in the member list
  KEYS[2..] two per member, in the group's configured order (the full list, also the
            members this call may not be offered): agent hash, registration key
  ARGV[1]   call id
  ARGV[2]   max concurrent calls
  ARGV[3]   skip busy: '1' or '0'
  ARGV[4]   now, epoch ms
  ARGV[5]   one character per member: '1' when this call may be offered to him (not
            yet rung in this step), '0' otherwise

  Returns the 0-based index of the reserved member, or -1.

  Why one script: the turn and the reservation must move together. Read apart, two
  service instances would pick the same turn and one of them skip a manager, or a
  turn moved for a reservation that then failed would pass a manager over.
]]
local call_id, max_calls, skip_busy, now, offerable = ARGV[1], tonumber(ARGV[2]), ARGV[3] == '1', ARGV[4], ARGV[5]
local count = (#KEYS - 1) / 2
if count == 0 then return -1 end
local start = (tonumber(redis.call('GET', KEYS[1]) or '0') or 0) % count

for k = 0, count - 1 do
  local index = (start + k) % count
  local agent, registration = KEYS[2 + 2 * index], KEYS[3 + 2 * index]
  if string.sub(offerable, index + 1, index + 1) == '1' and can_offer(agent, registration, now, max_calls, skip_busy) then
    save(agent, now, { ringingFor = call_id })
    redis.call('SET', KEYS[1], (index + 1) % count)
    return index
  end
end
return -1
