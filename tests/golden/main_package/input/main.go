package main

import "fmt"

func helper() {}

func main() {
	fmt.Println("hello")
}
