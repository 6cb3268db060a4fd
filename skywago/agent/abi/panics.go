package abi

import (
	"os"
	"strconv"
	"sync"
	"sync/atomic"
)

// Interceptors recover their own panics (an interceptor must never crash the application) and
// report them here. Each plugin's first panic is printed once; all are counted.
var (
	interceptorPanics   atomic.Uint64
	panicsMu            sync.Mutex
	pluginsThatPanicked = map[string]bool{}
	stderrLine          = func(line string) { os.Stderr.WriteString(line + "\n") }
)

// InterceptorPanics returns how many interceptor panics were recovered so far.
func InterceptorPanics() uint64 { return interceptorPanics.Load() }

func recordInterceptorPanic(plugin string, recovered any) {
	interceptorPanics.Add(1)
	panicsMu.Lock()
	first := !pluginsThatPanicked[plugin]
	pluginsThatPanicked[plugin] = true
	panicsMu.Unlock()
	if first {
		stderrLine("skywago: an interceptor of plugin " + strconv.Quote(plugin) +
			" panicked (recovered; the application continues, later panics of this plugin are only counted): " +
			describe(recovered))
	}
}

// describe renders a recovered value without fmt (keeping the agent's dependencies small).
// Calling the value's own Error or String method could panic again; that is contained too.
func describe(v any) (text string) {
	defer func() {
		if recover() != nil {
			text = "(a value whose Error/String method panicked)"
		}
	}()
	switch x := v.(type) {
	case nil:
		return "nil"
	case string:
		return x
	case error:
		return x.Error()
	case interface{ String() string }:
		return x.String()
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case uint64:
		return strconv.FormatUint(x, 10)
	case bool:
		return strconv.FormatBool(x)
	default:
		return "(a value skywago cannot print without fmt)"
	}
}
