//line /src/example.com/shop/cmd/server/main.go:1
package main

import "fmt"

func helper() {}

func main() { defer skywagoMainExit();
	fmt.Println("hello")
}
