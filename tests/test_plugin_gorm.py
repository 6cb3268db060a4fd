"""gorm plugin: each gorm operation is a Local span under the request's Entry span, with the
statements it sends (the sql plugin's Exit spans, real PostgreSQL and MariaDB) under it, in a
trace that starts in a second instrumented process — at the lower and the upper bound of gorm's
range through toolexec, and built by Bazel (gazelle's go_deps) at the upper bound."""

import uuid

import pytest

import gotool
import plugin_apps
import servers
import traces

APP = gotool.REPO / "examples" / "catalog-gorm"
GORM = "gorm.io/gorm"
GO_LOWER, GO_UPPER = servers.go_bounds()  # built with the oldest and the newest Go under test
UPPER = "v1.31.2"  # what examples/catalog-gorm/go.mod pins, with gorm.io/driver/{mysql v1.6.0, postgres v1.6.3}
# The oldest gorm in range, with the dialects of its time (their database/sql drivers: mysql
# v1.6.0, in the sql plugin's range; pgx v4, not: only MySQL is checked there).
LOWER = {GORM: "v1.21.11", "gorm.io/driver/mysql": "v1.1.1", "gorm.io/driver/postgres": "v1.1.0"}


def test_tested_versions_are_the_declared_bounds():
    assert f"{GORM} {UPPER}" in (APP / "go.mod").read_text()
    servers.check_tested_bounds("gorm", GORM, LOWER[GORM], UPPER)


@pytest.fixture(scope="module")
def catalog_upper(tmp_path_factory):
    binary, stderr = servers.build_app(APP, tmp_path_factory.mktemp("upper"), go=GO_UPPER)
    assert servers.skywago_warnings(stderr) == []
    return binary


@pytest.fixture(scope="module")
def catalog_lower(tmp_path_factory):
    binary, stderr = servers.build_app(APP, tmp_path_factory.mktemp("lower"), requires=LOWER, go=GO_LOWER)
    assert servers.skywago_warnings(stderr) == []
    return binary


@pytest.fixture(scope="module")
def catalog_bazel(tmp_path_factory):
    return plugin_apps.build_example_bazel("catalog-gorm", tmp_path_factory.mktemp("bazel"), ("gorm", GORM))


def postgres_args(server):
    dsn = f"host={server.host} port={server.port} user={server.user} dbname={server.database} sslmode=disable"
    return ["-dialect", "postgres", "-dsn", dsn]


def mysql_args(server):
    return ["-dialect", "mysql", "-dsn", f"root@tcp({server.address})/{server.database}?parseTime=true"]


DIALECTS = {
    # fixture, app arguments, db.type, component id
    "postgres": ("postgres_server", postgres_args, "PostgreSQL", 22),
    "mysql": ("mariadb_server", mysql_args, "Mysql", 5012),
}


def check_local(span, parent, operation, db_type, component, statements):
    """statements: the Exit spans under the gorm span whose db.statement it must show ("; ")."""
    assert span["operationName"] == operation
    assert span["spanType"] == "Local" and span["parentSpanId"] == parent["spanId"]
    assert span["componentId"] == component and span["spanLayer"] == "Database"
    expected = {"db.type": db_type}
    sent = [traces.tags(s)["db.statement"] for s in statements if "db.statement" in traces.tags(s)]
    if sent:
        expected["db.statement"] = "; ".join(sent)
    assert traces.tags(span) == expected


def check_exit(span, parent, operation, server, db_type, component):
    assert span["operationName"] == f"{db_type}/{operation}"
    assert span["spanType"] == "Exit" and span["parentSpanId"] == parent["spanId"]
    assert span["peer"] == server.address and span["componentId"] == component and span["spanLayer"] == "Database"
    tags = traces.tags(span)
    assert (tags["db.type"], tags["db.instance"]) == (db_type, server.database)
    return tags.get("db.statement", "")


@pytest.mark.parametrize("bound, dialect", [("lower", "mysql"), ("upper", "mysql"), ("upper", "postgres"),
                                            ("bazel", "mysql"), ("bazel", "postgres")])
def test_gorm_operations_are_local_spans_over_the_statements(request, tmp_path, bound, dialect):
    binary = request.getfixturevalue(f"catalog_{bound}")
    fixture, args, db_type, component = DIALECTS[dialect]
    server = request.getfixturevalue(fixture)
    name = f"tea-{uuid.uuid4().hex[:8]}"
    result = servers.run_chain(binary, tmp_path, args(server), {}, f"/buy?name={name}&price=3",
                               backend_paths=(f"/product?name=none-{name}", "/broken"))
    assert result.status == 200 and result.body.endswith(f" {name} 3\n"), result

    segment, entry = servers.linked_request(result, "GET:/buy", "GET:/add")
    create, first = servers.children(segment, entry)
    # Create runs in a transaction: three statements, each an Exit span under the gorm span; the
    # gorm span's db.statement is the one with text (the INSERT).
    begin, insert, commit = servers.children(segment, create)
    check_local(create, entry, "gorm/products/create", db_type, component, [begin, insert, commit])
    assert traces.tags(create)["db.statement"].startswith("INSERT INTO")
    check_local(first, entry, "gorm/products/query", db_type, component, servers.children(segment, first))
    check_exit(begin, create, "BeginTx", server, db_type, component)
    # (an INSERT ... RETURNING is a query, a plain INSERT an exec, depending on dialect and version)
    assert insert["operationName"] in (f"{db_type}/Tx/Exec", f"{db_type}/Tx/Query")
    statement = check_exit(insert, create, insert["operationName"].split("/", 1)[1], server, db_type, component)
    assert statement.startswith("INSERT INTO") and "products" in statement
    check_exit(commit, create, "Tx/Commit", server, db_type, component)
    (select,) = servers.children(segment, first)
    statement = check_exit(select, first, "Query", server, db_type, component)
    assert statement.startswith("SELECT * FROM") and "products" in statement
    assert not any(s["isError"] for s in segment["spans"])
    assert entry["startTime"] <= create["startTime"] <= begin["startTime"] <= commit["endTime"] <= create["endTime"]
    assert create["endTime"] <= first["startTime"] <= select["startTime"] <= first["endTime"] <= entry["endTime"]

    # Record not found is an answer, not a failure.
    missing, missing_entry = servers.segment_with_entry(result.backend, "GET:/product")
    (lookup,) = servers.children(missing, missing_entry)
    check_local(lookup, missing_entry, "gorm/products/query", db_type, component, servers.children(missing, lookup))
    assert traces.tags(lookup)["db.statement"].startswith("SELECT * FROM")
    assert not lookup["isError"] and traces.tags(missing_entry)["http.status_code"] == "404"

    # A statement the server rejects fails the gorm span and its Exit span.
    broken, broken_entry = servers.segment_with_entry(result.backend, "GET:/broken")
    (raw,) = servers.children(broken, broken_entry)
    (failed,) = servers.children(broken, raw)
    check_local(raw, broken_entry, "gorm/raw", db_type, component, [failed])
    assert check_exit(failed, raw, "Exec", server, db_type, component) == "UPDATE no_such_table SET price = 0"
    assert raw["isError"] and failed["isError"]
    assert "no_such_table" in {d["key"]: d["value"] for d in raw["logs"][0]["data"]}["error"]


def test_gorm_outside_its_range_is_left_untouched_with_one_warning(tmp_path, mariadb_server):
    """gorm v1.20.12 predates the range (processor.Execute returns *DB from v1.21.11): gorm
    compiles as it is, one warning says which package, plugin and why; the service works and its
    statements are still the sql plugin's Exit spans, straight under the request."""
    requires = {GORM: "v1.20.12", "gorm.io/driver/mysql": "v1.0.4", "gorm.io/driver/postgres": "v1.0.8"}
    binary, stderr = servers.build_app(APP, tmp_path, requires=requires, go=GO_UPPER)
    warnings = servers.skywago_warnings(stderr)
    assert len(warnings) == 1, stderr
    (warning,) = warnings
    assert warning.startswith(f"skywago: warning: package {GORM}: rule plugin:gorm: ")
    assert f"{GORM} v1.20.12 is outside the plugin's range '>=v1.21.11, <v1.32.0'" in warning

    name = f"jam-{uuid.uuid4().hex[:8]}"
    result = servers.run_chain(binary, tmp_path, mysql_args(mariadb_server), {}, f"/buy?name={name}&price=5")
    assert result.status == 200 and result.body.endswith(f" {name} 5\n"), result
    segment, entry = servers.linked_request(result, "GET:/buy", "GET:/add")
    assert [s["spanType"] for s in segment["spans"][1:]] == ["Exit"] * (len(segment["spans"]) - 1)
    assert [s["operationName"] for s in servers.children(segment, entry)][0] == "Mysql/BeginTx"
    assert all(s["parentSpanId"] == entry["spanId"] for s in segment["spans"][1:])
