"""TEST DOUBLE: follows skywago/bazel_rewriter.py's CLI contract but rewrites nothing.

    copy_rewriter.py --importpath P --go-version V --out-dir DIR [--main]
                     [--linkable-import P ...] [--module-version MOD=VER ...] [--config FILE]
                     [--strict] [--noinstalled-plugins] [--plugin DIR ...] SRC...

Copies every SRC into DIR (same basename) behind a `//line SRC:1` directive (so the binary records
the original path, as a plain build does, not bazel-out/.../_skywago/...), always adds DIR/skywago_added.go (`package <name>`
only, the slot the engine may fill; in package main it also gets an init() printing a marker to
stderr), and writes DIR/skywago.json ({"files": [...], "link_deps": []}). Prints nothing on
success.

To prove that rewritten sources (not the originals) reach the link, --config may name a file of
lines `IMPORTPATH<TAB>OLD<TAB>NEW`: in that package, OLD is replaced by NEW (plain text).
"""
import argparse
import json
import os
import re
import shutil
import sys

_PACKAGE = re.compile(rb"^package\s+([A-Za-z_][A-Za-z0-9_]*)", re.M)


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("--importpath", required=True)
    ap.add_argument("--go-version", required=True)
    ap.add_argument("--out-dir", required=True)
    ap.add_argument("--main", action="store_true")
    ap.add_argument("--linkable-import", action="append", default=[])
    ap.add_argument("--module-version", action="append", default=[])
    ap.add_argument("--config")
    ap.add_argument("--strict", action="store_true")
    ap.add_argument("--noinstalled-plugins", action="store_true")  # plugins: ignored (copies)
    ap.add_argument("--plugin", action="append", default=[])
    ap.add_argument("srcs", nargs="+")
    args = ap.parse_args(argv)

    edits = []
    if args.config:
        with open(args.config) as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) == 3 and parts[0] == args.importpath:
                    edits.append((parts[1].encode(), parts[2].encode()))

    os.makedirs(args.out_dir, exist_ok=True)
    files = []
    package = None
    for src in args.srcs:
        base = os.path.basename(src)
        if base in files:
            sys.exit(f"copy_rewriter: two inputs named {base}")
        with open(src, "rb") as f:
            data = f.read()
        if package is None and not base.endswith("_test.go"):
            m = _PACKAGE.search(data)
            package = m and m.group(1).decode()
        for old, new in edits:
            data = data.replace(old, new)
        data = f"//line {src}:1\n".encode() + data
        with open(os.path.join(args.out_dir, base), "wb") as f:
            f.write(data)
        files.append(base)
    if not package:
        sys.exit("copy_rewriter: no package clause in " + " ".join(args.srcs))
    with open(os.path.join(args.out_dir, "skywago_added.go"), "w") as f:
        f.write(f"package {package}\n")
        if package == "main":
            f.write('\nfunc init() { println("skywago-test-double: instrumented main") }\n')
    files.append("skywago_added.go")
    with open(os.path.join(args.out_dir, "skywago.json"), "w") as f:
        json.dump({"files": files, "link_deps": []}, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1:])
