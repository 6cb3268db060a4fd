package sample

import (
	"context"
	"time"
)

func skywagoGetBefore[K comparable, V any](inv *skywagoInvocation, c *Cache[K, V], ctx *context.Context, key *K, value *V, ok *bool) {
}
func skywagoGetAfter[K comparable, V any](inv *skywagoInvocation, c *Cache[K, V], ctx *context.Context, key *K, value *V, ok *bool) {
}
func skywagoExpireBefore(inv *skywagoInvocation, ctx *context.Context, d *time.Duration, keys *[]string, err *error) {
}
func skywagoExpireAfter(inv *skywagoInvocation, ctx *context.Context, d *time.Duration, keys *[]string, err *error) {
}
func skywagoTouchBefore(inv *skywagoInvocation, ctx *context.Context, key *string, n *int, err *error) {
}
func skywagoTouchAfter(inv *skywagoInvocation, ctx *context.Context, key *string, n *int, err *error) {
}
