package main

import "testing"

func TestCompute(t *testing.T) {
	if compute() != 42 {
		t.Fatal("bad")
	}
}
