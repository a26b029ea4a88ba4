--[[
  Takes or renews the router lease: the one service instance that answers Kamailio
  (route requests, call events) while the others stand by (docs/operations.md).

  KEYS[1] the lease (RedisKeys.routerLease)
  ARGV[1] this instance's holder id (host, pid, random)
  ARGV[2] the lease's length, ms

  Returns 1 when this instance holds the lease for ARGV[2] ms from now (taken free,
  or renewed because it already held it), 0 when another instance holds it.

  Why one script: "free or mine, then mine for N ms more" must be one step. With a
  GET then a SET, a standby that saw the lease free could overwrite the active's
  renewal and two instances would both decide calls.
]]
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if holder then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
