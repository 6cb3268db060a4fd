// Package cache holds the service's Redis client. It is made when the package is initialised —
// before the skywago agent starts, since Go initialises this package before the agent's — and
// is traced all the same.
package cache

import (
	"os"

	"github.com/redis/go-redis/v9"
)

// Client talks to the Redis server at $CACHE_REDIS_ADDR.
var Client = redis.NewClient(&redis.Options{Addr: os.Getenv("CACHE_REDIS_ADDR")})
