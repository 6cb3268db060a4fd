"""Cache behaviour of skywago's Bazel front door: what each kind of change makes Bazel run again.

    python3 benchmarks/bazel_cache.py [--skip-std]      # as root, after scripts/bazel/setup.sh

Works on a private copy of the test workspace (benchmarks/bazel_lib.py); the checkout is never
edited. Builds three instrumented programs with the aspect (tests/bazel/ws //app:server: main +
greet (embed) + cgoadd (cgo, imports greet); @example_demo//:demo; @example_httpchain//:httpchain), then:

  1. the same build again                         -> no action
  2. edit the advice of a plugin that targets one of the program's packages (a benchmark-only
     plugin on example.com/ws/greet, in the copy)  -> 1 rewrite (greet), the compiles of greet
                                                    and of its importers, 1 link; nothing else
  3. a comment in plugins/nethttp/plugin.toml     -> no action (the instrumented SDK is made
                                                    again, identical, so nothing recompiles)
  4. a comment in another plugin's plugin.toml    -> no action
  5. edit the advice of nethttp (a standard-library plugin) -> the instrumented standard library
                                                    (one GoStdlib action), then every compile
                                                    and link of the programs (they all import
                                                    it), no rewrite   [--skip-std: not run]

Counts come from Bazel's execution log (--execution_log_json_file): spawns run, by mnemonic.
"""

from __future__ import annotations

import argparse
import re
import sys
import time

from bazel_lib import ASPECT, Workspace, require_root

TARGETS = ["//app:server", "@example_demo//:demo", "@example_httpchain//:httpchain"]

PLUGIN_TOML = """\
# Benchmark-only plugin (benchmarks/bazel_cache.py writes it into its copy of the repository).
name = "benchgreet"
library = "example.com/ws/greet (benchmark)"
captures = "Local span around greet.Hello"

[[target]]
package = "example.com/ws/greet"
module = "example.com/ws"
versions = ">=1.0.0"
code = ["greet.go"]

[[target.intercept]]
function = "Hello"
params = ["string"]
results = ["string"]
advice = "skywagoBenchHello"
"""

PLUGIN_GO = """\
package greet

func skywagoBenchHelloBefore(inv *skywagoInvocation, name *string, greeting *string) {
	inv.Span = inv.Tracer.StartSpan(2, "OPERATION", "", nil, nil)
}

func skywagoBenchHelloAfter(inv *skywagoInvocation, name *string, greeting *string) {
	if inv.Span != nil {
		inv.Tracer.End(inv.Span)
	}
}
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-std", action="store_true", help="skip step 5 (rebuilds the standard library)")
    args = parser.parse_args()
    require_root()

    ws = Workspace("cache").sync()
    plugin = ws.path("plugins/benchgreet")
    plugin.mkdir()
    (plugin / "plugin.toml").write_text(PLUGIN_TOML)
    (plugin / "greet.go").write_text(PLUGIN_GO.replace("OPERATION", "greet.Hello"))
    module = ws.path("tests/bazel/ws/MODULE.bazel")
    module.write_text(module.read_text() + '\n# benchmarks/bazel_cache.py: the version of example.com/ws for its plugin.\n'
                      'skywago.module(path = "example.com/ws", version = "v1.0.0")\n')

    build = lambda label: ws.build(*TARGETS, *ASPECT, label=label)  # noqa: E731
    rows = []

    first = build("first")
    print(f"first build of the copy (standard libraries from the disk cache): {first.summary()}")
    # The advice is in the linked program (function names stay in Go's pclntab).
    greet_rewritten = b"skywagoBenchHello" in ws.bin_file("app/_skywago/server/bin/server").read_bytes()
    rows.append(("second build, nothing changed", build("second")))

    # A new operation name each run of this script: nothing of it can come from the disk cache.
    (plugin / "greet.go").write_text(PLUGIN_GO.replace("OPERATION", f"greet.Hello/{time.time_ns()}"))
    edit = build("edit-greet-plugin")
    rows.append(("edit benchgreet's advice (targets example.com/ws/greet)", edit))

    toml = ws.path("plugins/nethttp/plugin.toml")
    toml.write_text(toml.read_text() + "\n# benchmark: a comment\n")
    rows.append(("comment in plugins/nethttp/plugin.toml", build("comment-nethttp")))

    other = next((p for p in sorted(ws.path("plugins").iterdir())
                  if p.name not in ("nethttp", "benchgreet") and (p / "plugin.toml").exists()), None)
    if other:
        (other / "plugin.toml").write_text((other / "plugin.toml").read_text() + "\n# benchmark: a comment\n")
        rows.append((f"comment in plugins/{other.name}/plugin.toml", build("comment-other")))

    if not args.skip_std:
        server = ws.path("plugins/nethttp/server.go")
        text = server.read_text()
        changed = re.sub(r'(t\.SetTag\(span, "http\.method", r\.Method\))',
                         rf'\1; t.SetTag(span, "bench", "{time.time_ns()}")', text, count=1)
        if changed == text:
            print("warning: could not edit plugins/nethttp/server.go; skipping step 5", file=sys.stderr)
        else:
            server.write_text(changed)
            rows.append(("edit nethttp's server advice (net/http, in the SDK)", build("edit-nethttp")))

    print(f"\nprograms: {', '.join(TARGETS)} (instrumented, with the aspect)")
    print(f"benchgreet's advice is in //app:server (example.com/ws/greet rewritten): {'yes' if greet_rewritten else 'NO'}")
    for name, result in rows:
        print(f"\n{name}\n  {result.summary()}\n  bazel: {result.processes}")
        for mnemonic in ("SkywagoRewrite", "GoCompilePkg", "GoLink"):
            outs = result.outputs_of(mnemonic)
            if outs and len(outs) <= 12:
                print(f"  {mnemonic}: " + ", ".join(_short(o) for o in outs))
    ws.shutdown()
    return 0


def _short(path: str) -> str:
    path = re.sub(r"^bazel-out/[^/]+/bin/", "", path)
    return re.sub(r"^external/example_([^/~+]*)[~+]*/", r"@example_\1/", path)


if __name__ == "__main__":
    sys.exit(main())
