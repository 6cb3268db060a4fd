// Package cgoadd adds in C.
package cgoadd

// #include "add.h"
import "C"

import (
	"fmt"

	"example.com/ws/greet"
)

// Add returns a+b, computed by C.
func Add(a, b int) int { return int(C.add(C.int(a), C.int(b))) }

// Twice returns 2*a, computed by C in another file.
func Twice(a int) int { return int(C.twice(C.int(a))) }

// Describe greets the sum.
func Describe(a, b int) string { return greet.Hello(fmt.Sprint(Add(a, b), "/", Twice(a+b))) }
