// Goroutine creation, in and out of a trace: what the runtime rewrite adds to `go f()` (the new
// g inherits its creator's context snapshot; goexit clears it). Built plain and instrumented by
// benchmarks/runtime_overhead.py, which compares the two binaries run by run.
package goroutines

import (
	"sync"
	"testing"
)

const batch = 64 // goroutines alive at once

func spawn(n int) {
	var wg sync.WaitGroup
	for n > 0 {
		k := min(n, batch)
		n -= k
		wg.Add(k)
		for i := 0; i < k; i++ {
			go wg.Done()
		}
		wg.Wait()
	}
}

// inTrace runs spawn inside a Local span when built with skywago (a comment otherwise): every
// goroutine it starts is created with an active trace context to inherit.
//
//skywago:span
func inTrace(n int) { spawn(n) }

func BenchmarkSpawn(b *testing.B) {
	b.Run("out-of-trace", func(b *testing.B) {
		b.ReportAllocs()
		spawn(b.N)
	})
	b.Run("in-trace", func(b *testing.B) {
		b.ReportAllocs()
		inTrace(b.N)
	})
}
