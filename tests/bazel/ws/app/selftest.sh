#!/bin/sh
# selftest.sh BINARY EXPECTED EXPECTED_SUM: `BINARY -selftest` must print EXPECTED, `BINARY -sum`
# EXPECTED_SUM, and `BINARY -banner` the banner embedded in package greet.
set -eu
check() {
    want=$1; shift
    got=$("$@")
    if [ "$got" != "$want" ]; then
        echo "$*: got '$got', want '$want'" >&2
        exit 1
    fi
    echo "ok: $* -> $got"
}
check "$2" "$1" -selftest
check "greet banner (embedded), and a sub-directory" "$1" -banner
check "$3" "$1" -sum
