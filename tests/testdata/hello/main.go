// A small program whose output must be identical built plain and built with skywago.
package main

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
)

//skywago:span
func shout(word string) string { return strings.ToUpper(word) + "!" }

func main() {
	words := []string{"alpha", "beta", "gamma"}
	results := make([]string, len(words))
	var wg sync.WaitGroup
	for i, w := range words {
		wg.Add(1)
		go func(i int, w string) {
			defer wg.Done()
			results[i] = shout(w)
		}(i, w)
	}
	wg.Wait()
	sort.Strings(results)
	fmt.Println(strings.Join(results, " "))
	if len(os.Args) > 1 && os.Args[1] == "exit3" {
		os.Exit(3)
	}
}
