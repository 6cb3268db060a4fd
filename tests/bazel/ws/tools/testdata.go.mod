// A go.mod for //tools:module_versions_test (skywago.from_file in ../MODULE.bazel). Made-up
// modules: no build here uses them, so no version disagreement with what gazelle builds.
module example.com/ws

go 1.22

require example.com/framework v1.10.0

require (
	example.com/indirect v1.11.6 // indirect
	example.com/replaced v0.25.0
	example.com/explicit v0.1.0
	example.com/local v1.0.0
)

replace example.com/replaced => example.com/replaced v0.26.0

replace example.com/local => ../local
