"""Shared pytest fixtures.

- tests/webchain.py: the builds of examples/webchain the web-framework plugin tests share.
- tests/servers.py: the real PostgreSQL, MariaDB and Redis servers (session-scoped: each starts
  once, on first use, and stops at the end of the session).
- tests/backend_<kind>.py: one module per other kind of real server (a SkyWalking OAP, Jaeger,
  a broker, ...), each loaded here as a pytest plugin, so its fixtures are available to every test
  module. Heavy ones are made once per machine and cached by version (tests/servercache.py); a
  module may define prepare() to make its cache entry ahead of time (tests/prepare_backends.py).
"""

import pathlib

pytest_plugins = ["servers", "webchain"] + sorted(p.stem for p in pathlib.Path(__file__).parent.glob("backend_*.py"))
