//line /src/runtime/proc.go:1
package runtime

//go:linkname os_beforeExit os.runtime_beforeExit
func os_beforeExit(exitCode int) { skywagoRunExitHook();
	runExitHooks(exitCode)
}

func runExitHooks(int) {}

func goexit0(gp *g) { gp.skywagoContext = nil; gp.skywagoInherited = nil;
	gdestroy(gp)
}

func gdestroy(gp *g) {}

func newproc1(fn *funcval, callergp *g, callerpc uintptr, parked bool) *g {
	newg := new(g)
	if fn == nil {
		if callergp != nil { newg.skywagoInherited = callergp.skywagoInherited } else { newg.skywagoInherited = nil }; newg.skywagoContext = nil; return newg
	}
	if callergp != nil { newg.skywagoInherited = callergp.skywagoInherited } else { newg.skywagoInherited = nil }; newg.skywagoContext = nil; return newg
}
