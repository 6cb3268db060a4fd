"""Make every cached test server ahead of the tests that need it.

    python tests/prepare_backends.py [KIND ...]     # default: every tests/backend_<kind>.py

scripts/test.sh starts this in the background before its other set-up steps, so on a fresh
machine the heavy builds and downloads (an OAP's jars, Jaeger, Kafka, ...) overlap with the rest
of the set-up and the first tests. Each backend module's prepare() makes its cache entries through
tests/servercache.py, whose lock makes a fixture that needs an entry still being made wait for it
rather than make it again. Errors are printed and left to the fixture to report (and fail) again.
"""

from __future__ import annotations

import importlib
import pathlib
import sys
import time
import traceback

HERE = pathlib.Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(HERE.parent))
    kinds = argv or sorted(p.stem.removeprefix("backend_") for p in HERE.glob("backend_*.py"))
    failed = 0
    for kind in kinds:
        module = importlib.import_module(f"backend_{kind}")
        prepare = getattr(module, "prepare", None)
        if prepare is None:
            continue
        started = time.monotonic()
        try:
            prepare()
            print(f"prepare-backends: {kind} ready ({time.monotonic() - started:.0f} s)", flush=True)
        except Exception:  # noqa: BLE001  (report and go on: the fixture fails with the reason)
            failed += 1
            print(f"prepare-backends: {kind} FAILED after {time.monotonic() - started:.0f} s", flush=True)
            traceback.print_exc()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
