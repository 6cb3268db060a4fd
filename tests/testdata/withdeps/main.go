// A module with an unrelated third-party dependency: skywago must not touch go.mod or go.sum,
// and must work in module mode, with vendor/, and inside a go.work workspace.
package main

import (
	"fmt"

	"github.com/google/uuid"
)

//skywago:span
func newID() string { return uuid.NewSHA1(uuid.NameSpaceURL, []byte("skywago")).String() }

func main() { fmt.Println(newID()) }
