#!/usr/bin/env bash
# The full plugin matrix (not run by CI, which runs each plugin at its upper bound under both front
# doors and its lower bound under toolexec): every bound of every plugin under every front door
# that can build it, plus the out-of-range builds. Each plugin engineer keeps a block of their own.
#
#   tests/matrix.sh            # every block
#   tests/matrix.sh web        # one block
#
# Needs what scripts/test.sh sets up (venv, Go toolchains, servers, the Bazel chroot as root).
# Runs heavy: take the shared lock yourself (flock /tmp/skywago-heavy.lock tests/matrix.sh).
set -uo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
py="$repo/.venv/bin/python"
export SKYWAGO_BAZEL_TESTS="${SKYWAGO_BAZEL_TESTS:-1}"
only="${1:-}"
status=0
run() {  # run BLOCK PYTEST-ARGS...
  local block=$1; shift
  [ -z "$only" ] || [ "$only" = "$block" ] || return 0
  echo "== matrix [$block]: pytest $*"
  (cd "$repo" && nice -n 10 "$py" -m pytest -q -rs -p no:cacheprovider "$@") || status=1
}

# --- web: web-framework and RPC plugins ------------------------------------------------------------
# gin, echo, mux: lower and upper bound (toolexec). chi, httprouter, go-restful, fasthttp, fiber
# (examples/webchain, tests/webchain.py): lower (Go 1.22) and upper under toolexec, upper under
# Bazel (the Bazel workspace builds the example's pinned versions only), and the out-of-range build
# (fasthttp v1.34.0, fiber v2.26.0; chi, httprouter and go-restful v3 have no release outside
# their ranges). zerolog with the other log plugins (examples/logging): lower and upper bound.
SKYWAGO_LIBRARY_SUITES=1 run web tests/test_library_suites.py -s
run web tests/test_plugin_gin.py tests/test_plugin_echo.py tests/test_plugin_mux.py \
  tests/test_plugin_chi.py tests/test_plugin_httprouter.py tests/test_plugin_gorestful.py \
  tests/test_plugin_fasthttp.py tests/test_plugin_fiber.py tests/test_plugin_logging.py

# --- data: data-store plugins ---------------------------------------------------------------------
# mongo v1/v2, pgx (Conn, pgxpool), sql with lib/pq, go-redis v8, redigo, rueidis, go-elasticsearch
# (examples/datastores, tests/test_plugin_datastores.py): lower (Go 1.22) and upper under toolexec,
# upper under Bazel, the seams of the plugins with one target per version range (pgx v5.5.5 and
# v5.6.0, lib/pq v1.10.9 and v1.11.0: SKYWAGO_MATRIX=1), the out-of-range build; go-redis's own
# tests that need no server; sql (pgx stdlib, mysql), gorm and go-redis v9 at both bounds.
SKYWAGO_MATRIX=1 run data tests/test_plugin_datastores.py tests/test_goredis_suite.py \
  tests/test_plugin_sql.py tests/test_plugin_gorm.py tests/test_plugin_redis.py

# --- messaging: kafka-go, sarama, franz-go, amqp091-go, nats.go, rocketmq-client-go, aws-sdk-go-v2
# (SQS, S3), all in examples/mqchain: lower and upper bound under toolexec, upper under Bazel, the
# out-of-range build (each library just below its range; rocketmq-client-go has no other version
# on the proxy) — the same builds CI runs — then the Kafka clients' upper bounds against Kafka 4.1
# too (CI's broker is 3.9, the newest that still speaks the lower bounds' protocol versions).
# sarama's own suite (root package, -short: mock brokers, no external service).
run mq tests/test_plugin_mq.py
SKYWAGO_KAFKA_VERSION=4.1.1 run mq tests/test_plugin_mq.py -k "upper and (kafkago or sarama or franzgo)"
SKYWAGO_LIBRARY_SUITES=1 run mq tests/test_library_suites.py -s -k sarama
# pulsar-client-go (examples/pulsarchain, its own example: its dependencies are heavy) against Pulsar
# standalone: lower bound v0.12.0 and upper v0.19.0 under toolexec, upper under Bazel, and v0.11.1
# below the range.
run mq tests/test_plugin_pulsar.py

exit $status
