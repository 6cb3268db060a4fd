module skywago.dev/benchmarks/loadgen

go 1.22
