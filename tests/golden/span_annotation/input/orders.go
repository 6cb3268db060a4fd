package orders

import "strings"

type Store struct{ items []string }

type Cache[K comparable] struct{ m map[K]string }

//skywago:span
func Normalize(s string) string {
	return strings.ToLower(s)
}

// Add stores one item.
//skywago:span orders/add
func (s *Store) Add(item string) { s.items = append(s.items, item) }

//skywago:span
func (c Cache[K]) Get(k K) string { return c.m[k] }

//skywago:spanx not ours
func untouched() {}

//skywago:span

func notDirectlyAbove() {}
