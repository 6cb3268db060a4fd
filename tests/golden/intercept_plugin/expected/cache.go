//line /src/example.com/shop/cache/cache.go:1
package cache

import (
	"context"
	"time"
)

type Cache[K comparable, V any] struct {
	items map[K]V
}

type Entry struct{ Key string ; skywagoSpan interface{} }

// Get has a generic receiver and named results.
func (c *Cache[K, V]) Get(ctx context.Context, key K) (value V, ok bool) { if skywagoInv := skywagoBefore_sample_0(c, &ctx, &key, &value, &ok); skywagoInv != nil { if skywagoInv.Skip { return }; defer skywagoAfter_sample_0(skywagoInv, c, &ctx, &key, &value, &ok) };
	value, ok = c.items[key]
	return
}

// Expire has unnamed parameters (a variadic one too) and a single unnamed result.
func Expire(skywagoP0 context.Context, skywagoP1 time.Duration, skywagoP2 ...string) (skywagoR0 error) { if skywagoInv := skywagoBefore_sample_1(&skywagoP0, &skywagoP1, &skywagoP2, &skywagoR0); skywagoInv != nil { if skywagoInv.Skip { return }; defer skywagoAfter_sample_1(skywagoInv, &skywagoP0, &skywagoP1, &skywagoP2, &skywagoR0) };
	return nil
}

// Touch has a blank parameter.
func Touch(skywagoP0 context.Context, key string) (n int, err error) { if skywagoInv := skywagoBefore_sample_2(&skywagoP0, &key, &n, &err); skywagoInv != nil { if skywagoInv.Skip { return }; defer skywagoAfter_sample_2(skywagoInv, &skywagoP0, &key, &n, &err) }; return 1, nil }
