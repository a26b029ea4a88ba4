--[[
  Gives the router lease back on an orderly stop, so a standby takes over at its
  next attempt instead of waiting for the lease to expire.

  KEYS[1] the lease (RedisKeys.routerLease)
  ARGV[1] this instance's holder id

  Returns 1 when the lease was this instance's and is now free, 0 otherwise (it had
  expired and another instance took it: that one's lease is left alone).

  Why one script: the check of the holder and the delete must be one step, or an
  instance whose lease just expired would delete its successor's.
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
