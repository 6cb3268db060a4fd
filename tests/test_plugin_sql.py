"""sql plugin: database/sql statements through pgx v5's stdlib driver (real PostgreSQL) and
go-sql-driver/mysql (real MariaDB) are Exit spans under the request's Entry span, in a trace that
starts in a second instrumented process — at the lower and the upper bound of every target's range
(Go release, pgx, mysql driver) through toolexec, and built by Bazel (gazelle's go_deps) at the
upper bound."""

import uuid

import pytest

import gotool
import plugin_apps
import servers
import traces

APP = gotool.REPO / "examples" / "orders-sql"
PGX, MYSQL = "github.com/jackc/pgx/v5", "github.com/go-sql-driver/mysql"
GO_LOWER, GO_UPPER = servers.go_bounds()
LOWER = {PGX: "v5.3.0", MYSQL: "v1.5.0"}
UPPER = {PGX: "v5.12.0", MYSQL: "v1.10.1"}  # what examples/orders-sql/go.mod pins


def test_tested_versions_are_the_declared_bounds():
    assert f"{PGX} {UPPER[PGX]}" in (APP / "go.mod").read_text()
    assert f"{MYSQL} {UPPER[MYSQL]}" in (APP / "go.mod").read_text()
    servers.check_tested_bounds("sql", "database/sql", GO_LOWER, GO_UPPER)
    servers.check_tested_bounds("sql", "github.com/jackc/pgx/v5/stdlib", LOWER[PGX], UPPER[PGX])
    servers.check_tested_bounds("sql", MYSQL, LOWER[MYSQL], UPPER[MYSQL])


@pytest.fixture(scope="module")
def orders_upper(tmp_path_factory):
    binary, stderr = servers.build_app(APP, tmp_path_factory.mktemp("upper"), go=GO_UPPER)
    assert servers.skywago_warnings(stderr) == []
    return binary


@pytest.fixture(scope="module")
def orders_lower(tmp_path_factory):
    binary, stderr = servers.build_app(APP, tmp_path_factory.mktemp("lower"), requires=LOWER, go=GO_LOWER)
    assert servers.skywago_warnings(stderr) == []
    return binary


@pytest.fixture(scope="module")
def orders_bazel(tmp_path_factory):
    return plugin_apps.build_example_bazel("orders-sql", tmp_path_factory.mktemp("bazel"), ("sql", PGX), ("sql", MYSQL))


def postgres_args(server):
    return ["-driver", "pgx", "-dsn", f"postgres://postgres@{server.address}/{server.database}?sslmode=disable"]


def mysql_args(server):
    return ["-driver", "mysql", "-dsn", f"root@tcp({server.address})/{server.database}"]


DATABASES = {
    # fixture, app arguments, db.type, component id (SkyWalking: PostgreSQL 22, GoMysql 5012), placeholders
    "postgres": ("postgres_server", postgres_args, "PostgreSQL", 22, ("$1", "$2")),
    "mysql": ("mariadb_server", mysql_args, "Mysql", 5012, ("?", "?")),
}


def check_db_span(span, parent, server, db_type, component, statement=None):
    assert span["spanType"] == "Exit" and span["parentSpanId"] == parent["spanId"]
    assert span["peer"] == server.address
    assert span["componentId"] == component and span["spanLayer"] == "Database"
    expected = {"db.type": db_type, "db.instance": server.database}
    if statement is not None:
        expected["db.statement"] = statement
    assert traces.tags(span) == expected


@pytest.mark.parametrize("bound", ["lower", "upper", "bazel"])
@pytest.mark.parametrize("database", sorted(DATABASES))
def test_statements_are_exit_spans_of_the_request(request, tmp_path, bound, database):
    binary = request.getfixturevalue(f"orders_{bound}")
    fixture, args, db_type, component, (p1, p2) = DATABASES[database]
    server = request.getfixturevalue(fixture)
    item = f"tea-{uuid.uuid4().hex[:8]}"
    result = servers.run_chain(binary, tmp_path, args(server), {}, f"/checkout?item={item}",
                               backend_paths=("/report", f"/bulk?item=bulk-{item}&n=300", "/broken"))
    assert (result.status, result.body) == (200, f"{item}=1\n")

    # Entry GET:/order <- sw8 <- Exit GET:/order <- Entry GET:/checkout (the frontend process)
    segment, entry = servers.linked_request(result, "GET:/checkout", "GET:/order")
    spans = servers.children(segment, entry)
    # The transaction, step by step; the deferred Rollback after Commit sends nothing: no span.
    assert [s["operationName"] for s in spans] == [
        f"{db_type}/BeginTx", f"{db_type}/Tx/Exec", f"{db_type}/Tx/Query", f"{db_type}/Tx/Commit"]
    begin, insert, count, commit = spans
    check_db_span(begin, entry, server, db_type, component)
    check_db_span(insert, entry, server, db_type, component, f"INSERT INTO orders (item, qty) VALUES ({p1}, {p2})")
    check_db_span(count, entry, server, db_type, component, f"SELECT COUNT(*) FROM orders WHERE item = {p1}")
    check_db_span(commit, entry, server, db_type, component)
    assert not any(s["isError"] for s in segment["spans"])
    assert begin["startTime"] <= insert["startTime"] <= count["startTime"] <= commit["startTime"] <= entry["endTime"]

    # A prepared statement and a plain query.
    report, report_entry = servers.segment_with_entry(result.backend, "GET:/report")
    prepare, stmt_query, query = servers.children(report, report_entry)
    counting = f"SELECT COUNT(*) FROM orders WHERE qty >= {p1}"
    assert (prepare["operationName"], stmt_query["operationName"], query["operationName"]) == (
        f"{db_type}/Prepare", f"{db_type}/Stmt/Query", f"{db_type}/Query")
    check_db_span(prepare, report_entry, server, db_type, component, counting)
    check_db_span(stmt_query, report_entry, server, db_type, component, counting)
    check_db_span(query, report_entry, server, db_type, component, "SELECT DISTINCT item FROM orders ORDER BY item")

    # A long statement (a 300-row insert) is cut to 2048 bytes, as SkyWalking's Java agent does.
    bulk, bulk_entry = servers.segment_with_entry(result.backend, "GET:/bulk")
    (insert_many,) = servers.children(bulk, bulk_entry)
    assert insert_many["operationName"] == f"{db_type}/Exec" and not insert_many["isError"]
    statement = traces.tags(insert_many)["db.statement"]
    assert len(statement) == 2048 and statement.endswith("...")
    assert statement.startswith(f"INSERT INTO orders (item, qty) VALUES ({p1}, {p2}), (")

    # A statement the server rejects: the Exit span is an error and logs the server's message.
    broken, broken_entry = servers.segment_with_entry(result.backend, "GET:/broken")
    (failed,) = servers.children(broken, broken_entry)
    assert failed["operationName"] == f"{db_type}/Exec" and failed["isError"]
    check_db_span(failed, broken_entry, server, db_type, component, "UPDATE no_such_table SET qty = 0")
    (log,) = failed["logs"]
    assert "no_such_table" in {d["key"]: d["value"] for d in log["data"]}["error"]
    assert broken_entry["isError"] and traces.tags(broken_entry)["http.status_code"] == "500"


def test_driver_outside_its_range_is_left_untouched_with_one_warning(tmp_path, mariadb_server):
    """go-sql-driver/mysql v1.4.1 predates the range (>= v1.5.0, when connectors came): the driver
    compiles as it is, one warning says which package, plugin and why, and the service works
    — database/sql is still instrumented, but without the driver's word on the peer it records
    no database spans."""
    requires = {PGX: UPPER[PGX], MYSQL: "v1.4.1"}
    binary, stderr = servers.build_app(APP, tmp_path, requires=requires, go=GO_UPPER, go_directive="1.25.0")
    warnings = servers.skywago_warnings(stderr)
    assert len(warnings) == 1, stderr
    (warning,) = warnings
    assert warning.startswith(f"skywago: warning: package {MYSQL}: rule plugin:sql: ")
    assert f"{MYSQL} v1.4.1 is outside the plugin's range '>=v1.5.0, <v1.11.0'" in warning
    assert "compiling it without instrumentation" in warning

    item = f"jam-{uuid.uuid4().hex[:8]}"
    result = servers.run_chain(binary, tmp_path, mysql_args(mariadb_server), {}, f"/checkout?item={item}")
    assert (result.status, result.body) == (200, f"{item}=1\n")
    segment, entry = servers.linked_request(result, "GET:/checkout", "GET:/order")
    assert segment["spans"] == [entry]
