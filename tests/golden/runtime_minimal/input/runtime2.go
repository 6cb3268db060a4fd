package runtime

import (
	"internal/runtime/atomic"
	"unsafe"
)

type funcval struct{ fn uintptr }

type g struct {
	stack       uintptr
	stackguard0 uintptr
	atomicstatus atomic.Uint32
	labels      unsafe.Pointer
}
