#!/bin/sh
# selftest.sh BINARY EXPECTED: run BINARY -selftest, compare its stdout with EXPECTED.
set -eu
got=$("$1" -selftest)
if [ "$got" != "$2" ]; then
    echo "got:  $got" >&2
    echo "want: $2" >&2
    exit 1
fi
echo "ok: $got"
