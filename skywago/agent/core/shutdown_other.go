//go:build !unix

package core

import "os"

// Elsewhere the agent does not catch termination signals (it cannot re-raise them).
var terminationSignals []os.Signal

const canRaise = false

func signalNumber(os.Signal) int { return -1 }

func raise(os.Signal) {}
