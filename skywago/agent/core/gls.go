package core

import (
	"runtime"
	"sync"
	"unsafe"
)

// GLS is goroutine-local storage for two pointers per goroutine.
//
// Context is the goroutine's own open segment (nil when none). Inherited is what goroutines
// started from this one receive: the instrumented runtime copies it at every `go` statement.
// boot installs an implementation backed by fields of runtime.g; without it the tracer falls
// back to GoroutineIDGLS, which is slow and only meant for tests.
type GLS interface {
	GetContext() unsafe.Pointer
	SetContext(unsafe.Pointer)
	GetInherited() unsafe.Pointer
	SetInherited(unsafe.Pointer)
}

// GoroutineIDGLS keeps both pointers in a map keyed by the goroutine id parsed from
// runtime.Stack. It cannot see `go` statements, so a goroutine inherits nothing unless it is
// started with Go (which copies the inherited pointer the way the instrumented runtime does).
type GoroutineIDGLS struct {
	mu    sync.Mutex
	slots map[uint64]*glsSlot
}

type glsSlot struct {
	context, inherited unsafe.Pointer
}

// NewGoroutineIDGLS returns an empty fallback GLS.
func NewGoroutineIDGLS() *GoroutineIDGLS {
	return &GoroutineIDGLS{slots: make(map[uint64]*glsSlot)}
}

func (g *GoroutineIDGLS) GetContext() unsafe.Pointer {
	g.mu.Lock()
	defer g.mu.Unlock()
	if s := g.slots[currentGoroutineID()]; s != nil {
		return s.context
	}
	return nil
}

func (g *GoroutineIDGLS) SetContext(p unsafe.Pointer) {
	g.update(func(s *glsSlot) { s.context = p })
}

func (g *GoroutineIDGLS) GetInherited() unsafe.Pointer {
	g.mu.Lock()
	defer g.mu.Unlock()
	if s := g.slots[currentGoroutineID()]; s != nil {
		return s.inherited
	}
	return nil
}

func (g *GoroutineIDGLS) SetInherited(p unsafe.Pointer) {
	g.update(func(s *glsSlot) { s.inherited = p })
}

// update changes the current goroutine's slot and forgets slots that became empty, so the map
// does not grow with every goroutine a test ever ran.
func (g *GoroutineIDGLS) update(change func(*glsSlot)) {
	id := currentGoroutineID()
	g.mu.Lock()
	defer g.mu.Unlock()
	s := g.slots[id]
	if s == nil {
		s = &glsSlot{}
		g.slots[id] = s
	}
	change(s)
	if s.context == nil && s.inherited == nil {
		delete(g.slots, id)
	}
}

// currentGoroutineID parses the id from the first line of the goroutine's stack trace,
// "goroutine 123 [running]:". Slow (it formats a stack), which is why only tests use it.
func currentGoroutineID() uint64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	const prefix = "goroutine "
	if len(b) < len(prefix) {
		return 0
	}
	var id uint64
	for _, c := range b[len(prefix):] {
		if c < '0' || c > '9' {
			break
		}
		id = id*10 + uint64(c-'0')
	}
	return id
}
