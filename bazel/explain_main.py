"""//bazel:explain: what skywago instrumented in one Bazel-built program, and why (the output group
`skywago_explain` of the aspect and of skywago_go_binary), in `skywago explain`'s format.

    explain_main.py OUT MANIFEST...

Each MANIFEST is the skywago.json a rewrite action wrote for one package of the program
(skywago/bazel_rewriter.py): its import path, the rules applied with their reasons, the files
edited and added, or why it was compiled untouched. Packages with nothing applied are counted, not
listed. Standard library only (runs with any python3).
"""

import json
import sys


def render(manifests: list[dict]) -> str:
    lines = []
    untouched = 0
    for m in sorted(manifests, key=lambda m: m.get("importpath", "")):
        if m.get("not_instrumented"):
            lines += [m["importpath"], f"    ! not instrumented: {m['not_instrumented']}"]
            continue
        if not m.get("applied"):
            untouched += 1
            continue
        lines.append(m["importpath"])
        lines += [f"    + {a['rule']}: {a['reason']}" for a in m["applied"]]
        changes = [f"edits {n}" for n in m.get("edited", [])] + [f"adds {n}" for n in m.get("added", [])]
        if changes:
            lines.append(f"      {', '.join(changes)}")
    lines.append(f"({untouched} more packages rewritten with nothing to do; "
                 "the standard library's instrumentation is in the SDK's skywago_sdk.json)")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    out, paths = argv[0], argv[1:]
    manifests = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            manifests.append(json.load(f))
    with open(out, "w", encoding="utf-8") as f:
        f.write(render(manifests))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
