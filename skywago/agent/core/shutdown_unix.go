//go:build unix

package core

import (
	"os"
	"syscall"
)

var terminationSignals = []os.Signal{syscall.SIGTERM, syscall.SIGINT}

const canRaise = true

func signalNumber(s os.Signal) int { return int(s.(syscall.Signal)) }

func raise(sig os.Signal) { syscall.Kill(syscall.Getpid(), sig.(syscall.Signal)) }
