// A go.mod for //tools:module_versions_test (skywago.from_file in ../MODULE.bazel).
module example.com/ws

go 1.22

require github.com/gin-gonic/gin v1.10.0

require (
	github.com/bytedance/sonic v1.11.6 // indirect
	golang.org/x/net v0.25.0
	example.com/explicit v0.1.0
	example.com/local v1.0.0
)

replace golang.org/x/net => golang.org/x/net v0.26.0

replace example.com/local => ../local
