#!/usr/bin/env bash
# Real triple stores on loopback for tests/test_stores.py: the Oxigraph server (PyPI `oxigraph`) and
# OpenLink Virtuoso (Debian `virtuoso-opensource`), each with a throw-away database.
#
# Sourced by .ci/run (after `phoihop build`):
#     source .ci/stores.sh; trap stores_stop EXIT; stores_start
# stores_start installs what is missing, starts both servers, pushes dist/phoihop.trig into each when it
# exists, and exports PHOIHOP_OXIGRAPH_URL and PHOIHOP_VIRTUOSO_URL (+ PHOIHOP_VIRTUOSO_AUTH) for pytest.
# stores_stop stops the two servers it started (by process id) and removes their databases.
# Run directly (`bash .ci/stores.sh`) it does the whole round: start, run tests/test_stores.py, stop.

STORES_DIR=""
STORES_PIDS=()

_stores_free_port() {
  .venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

_stores_wait() {  # URL SECONDS: wait until the URL answers (any HTTP status below 500); no curl needed
  .venv/bin/python - "$1" "$2" <<'PY'
import sys, time, urllib.error, urllib.request
url, deadline = sys.argv[1], time.monotonic() + float(sys.argv[2])
while True:
    try:
        urllib.request.urlopen(url, timeout=2)
        sys.exit(0)
    except urllib.error.HTTPError as err:
        if err.code < 500:
            sys.exit(0)
    except OSError:
        pass
    if time.monotonic() > deadline:
        sys.exit(f"stores: {url} did not answer within {sys.argv[2]} s")
    time.sleep(0.5)
PY
}

_stores_install() {
  [ -x .venv/bin/oxigraph ] || .venv/bin/pip install -q 'oxigraph>=0.4'
  if ! command -v virtuoso-t >/dev/null 2>&1; then
    local sudo_=""; [ "$(id -u)" = 0 ] || sudo_="sudo"
    $sudo_ apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq \
      --no-install-recommends virtuoso-opensource >/dev/null
  fi
}

_stores_start_oxigraph() {
  local port; port=$(_stores_free_port)
  mkdir -p "$STORES_DIR/oxigraph"
  .venv/bin/oxigraph serve --location "$STORES_DIR/oxigraph" --bind "127.0.0.1:$port" --union-default-graph \
    >"$STORES_DIR/oxigraph.log" 2>&1 &
  STORES_PIDS+=($!)
  _stores_wait "http://127.0.0.1:$port/query?query=ASK%7B%7D" 60 || return 1
  export PHOIHOP_OXIGRAPH_URL="http://127.0.0.1:$port"
}

_stores_start_virtuoso() {
  local http sql db="$STORES_DIR/virtuoso"
  http=$(_stores_free_port); sql=$(_stores_free_port)
  mkdir -p "$db"
  # A minimal configuration: loopback only, a fresh database (user dba, password dba), SPARQL at
  # /sparql and the Graph Store Protocol at /sparql-graph-crud-auth (Digest authentication).
  # Buffers as Virtuoso advises for 2 GB (1.3 GiB) and query memory set: with the defaults (10,000 buffers)
  # the server logged "Low query memory limit" during the store tests and then stopped answering, HTTP and
  # SQL alike (openlink/virtuoso-opensource#190), so every later test waited out its timeout.
  cat >"$db/virtuoso.ini" <<EOF
[Database]
DatabaseFile = $db/virtuoso.db
ErrorLogFile = $db/virtuoso.log
LockFile = $db/virtuoso.lck
TransactionFile = $db/virtuoso.trx
xa_persistent_file = $db/virtuoso.pxa
[TempDatabase]
DatabaseFile = $db/virtuoso-temp.db
TransactionFile = $db/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:$sql
DisableUnixSocket = 1
NumberOfBuffers = 170000
MaxDirtyBuffers = 130000
MaxQueryMem = 1G
DirsAllowed = .
[HTTPServer]
ServerPort = 127.0.0.1:$http
ServerRoot = $db
ServerThreads = 4
[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 120
EOF
  (cd "$db" && exec virtuoso-t -c "$db/virtuoso.ini" +foreground >"$db/stdout.log" 2>&1) &
  STORES_PIDS+=($!)
  _stores_wait "http://127.0.0.1:$http/sparql?query=ASK%7B%7D" 120 || return 1
  export PHOIHOP_VIRTUOSO_URL="http://127.0.0.1:$http" PHOIHOP_VIRTUOSO_AUTH="dba:dba"
}

stores_start() {
  _stores_install || { echo "stores: could not install the stores" >&2; return 1; }
  STORES_DIR=$(mktemp -d "${TMPDIR:-/tmp}/phoihop-stores.XXXXXX")
  _stores_start_oxigraph || { echo "stores: Oxigraph did not start: $(tail -5 "$STORES_DIR/oxigraph.log")" >&2; return 1; }
  _stores_start_virtuoso || { echo "stores: Virtuoso did not start: $(tail -5 "$STORES_DIR/virtuoso/virtuoso.log")" >&2; return 1; }
  echo "stores: Oxigraph at $PHOIHOP_OXIGRAPH_URL, Virtuoso at $PHOIHOP_VIRTUOSO_URL"
  if [ -f dist/phoihop.trig ]; then  # the built graph, as a user would load it (tests push it again)
    .venv/bin/phoihop -q push --endpoint "$PHOIHOP_OXIGRAPH_URL/store" dist/phoihop.trig \
      || echo "stores: WARNING: pushing dist/phoihop.trig into Oxigraph failed" >&2
    .venv/bin/phoihop -q push --endpoint "$PHOIHOP_VIRTUOSO_URL/sparql-graph-crud-auth" --user dba --password dba \
      dist/phoihop.trig || echo "stores: WARNING: pushing dist/phoihop.trig into Virtuoso failed" >&2
  fi
}

stores_stop() {
  local pid
  for pid in "${STORES_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${STORES_PIDS[@]}"; do
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
  done
  STORES_PIDS=()
  [ -n "$STORES_DIR" ] && rm -rf "$STORES_DIR"
  STORES_DIR=""
  unset PHOIHOP_OXIGRAPH_URL PHOIHOP_VIRTUOSO_URL PHOIHOP_VIRTUOSO_AUTH
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  cd "$(dirname "$0")/.."
  trap stores_stop EXIT
  stores_start
  .venv/bin/pytest -q -p no:cacheprovider tests/test_stores.py
fi
