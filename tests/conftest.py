"""Shared pytest fixtures: the real PostgreSQL, MariaDB and Redis servers of tests/servers.py
(session-scoped: each starts once, on first use, and stops at the end of the session)."""

from servers import mariadb_server, postgres_server, redis_server  # noqa: F401  (fixtures)
