//line /src/example.com/shop/orders/orders.go:1
package orders

import "strings"

type Store struct{ items []string }

type Cache[K comparable] struct{ m map[K]string }

//skywago:span
func Normalize(s string) string { defer skywagoLocalSpan("orders.Normalize")();
	return strings.ToLower(s)
}

// Add stores one item.
//skywago:span orders/add
func (s *Store) Add(item string) { defer skywagoLocalSpan("orders/add")(); s.items = append(s.items, item) }

//skywago:span
func (c Cache[K]) Get(k K) string { defer skywagoLocalSpan("orders.Cache.Get")(); return c.m[k] }

//skywago:spanx not ours
func untouched() {}

//skywago:span

func notDirectlyAbove() {}
