// SkyWalking's cache.op of a Redis command (shared by the Redis client plugins).
package redis

// skywagoCacheOp is SkyWalking's cache.op: "read" or "write" for the common data commands, ""
// for the others (no tag).
func skywagoCacheOp(cmd string) string {
	switch cmd {
	case "get", "getrange", "getbit", "mget", "strlen", "exists", "ttl", "pttl", "type", "keys", "scan",
		"hget", "hmget", "hgetall", "hkeys", "hvals", "hlen", "hexists", "hscan", "hstrlen",
		"lindex", "llen", "lrange", "lpos",
		"scard", "smembers", "sismember", "smismember", "srandmember", "sscan", "sinter", "sunion", "sdiff",
		"zcard", "zcount", "zlexcount", "zscore", "zmscore", "zrank", "zrevrank", "zrange", "zrangebylex",
		"zrangebyscore", "zrevrange", "zrevrangebylex", "zrevrangebyscore", "zscan",
		"xlen", "xrange", "xrevrange", "xread", "pfcount", "geopos", "geodist", "geohash", "georadius_ro",
		"bitcount", "bitpos":
		return "read"
	case "set", "setnx", "setex", "psetex", "setrange", "setbit", "getset", "getdel", "getex", "mset", "msetnx",
		"append", "incr", "incrby", "incrbyfloat", "decr", "decrby", "del", "unlink", "expire", "pexpire",
		"expireat", "pexpireat", "persist", "rename", "renamenx",
		"hset", "hsetnx", "hmset", "hdel", "hincrby", "hincrbyfloat",
		"lpush", "lpushx", "rpush", "rpushx", "lpop", "rpop", "blpop", "brpop", "lrem", "lset", "ltrim",
		"linsert", "lmove", "blmove", "rpoplpush", "brpoplpush",
		"sadd", "srem", "spop", "smove", "sinterstore", "sunionstore", "sdiffstore",
		"zadd", "zincrby", "zrem", "zremrangebylex", "zremrangebyrank", "zremrangebyscore", "zpopmin",
		"zpopmax", "bzpopmin", "bzpopmax", "zinterstore", "zunionstore",
		"xadd", "xdel", "xtrim", "pfadd", "pfmerge", "geoadd":
		return "write"
	}
	return ""
}
