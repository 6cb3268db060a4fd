package runtime

//go:linkname os_beforeExit os.runtime_beforeExit
func os_beforeExit(exitCode int) {
	runExitHooks(exitCode)
}

func runExitHooks(int) {}

func goexit0(gp *g) {
	gdestroy(gp)
}

func gdestroy(gp *g) {}

func newproc1(fn *funcval, callergp *g, callerpc uintptr, parked bool) *g {
	newg := new(g)
	if fn == nil {
		return newg
	}
	return newg
}
