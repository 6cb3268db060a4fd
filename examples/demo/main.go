// The skywago demo: an order pipeline with no tracing code at all. skywago instruments it at
// compile time; //skywago:span comments mark functions to trace; goroutines join the trace of
// the code that started them.
package main

import (
	"fmt"
	"strings"
	"sync"
	"time"
)

type order struct {
	id    int
	items []string
}

//skywago:span checkout
func checkout(o order) (total int) {
	prices := make(chan int, len(o.items))
	var wg sync.WaitGroup
	for _, item := range o.items {
		wg.Add(1)
		go func(item string) { // runs in its own goroutine, still in the checkout trace
			defer wg.Done()
			prices <- price(item)
		}(item)
	}
	wg.Wait()
	close(prices)
	for p := range prices {
		total += p
	}
	charge(o.id, total)
	return total
}

//skywago:span
func price(item string) int {
	time.Sleep(time.Duration(len(item)) * time.Millisecond)
	return 100 * len(item)
}

//skywago:span payments/charge
func charge(id, amount int) {
	time.Sleep(3 * time.Millisecond)
}

func main() {
	o := order{id: 42, items: []string{"tea", "biscuits", "jam"}}
	total := checkout(o)
	fmt.Printf("order %d: %s = %d\n", o.id, strings.Join(o.items, "+"), total)
}
