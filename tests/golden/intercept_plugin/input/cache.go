package cache

import (
	"context"
	"time"
)

type Cache[K comparable, V any] struct {
	items map[K]V
}

type Entry struct{ Key string }

// Get has a generic receiver and named results.
func (c *Cache[K, V]) Get(ctx context.Context, key K) (value V, ok bool) {
	value, ok = c.items[key]
	return
}

// Expire has unnamed parameters (a variadic one too) and a single unnamed result.
func Expire(context.Context, time.Duration, ...string) error {
	return nil
}

// Touch has a blank parameter.
func Touch(_ context.Context, key string) (n int, err error) { return 1, nil }
