package main

// int twice(int x) { return 2 * x; }
import "C"
import "fmt"

//skywago:span
func compute() int { return int(C.twice(21)) }

func main() { fmt.Println(compute()) }
