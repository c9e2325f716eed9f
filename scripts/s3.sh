#!/usr/bin/env bash
# A throwaway S3-compatible server for the tests: moto's server (PyPI `moto[server]`) on a free
# port of 127.0.0.1, with one bucket the tests share (each test its own key prefix).
#
#   eval "$(bash scripts/s3.sh start)"   # prints export NEWSDESK_TEST_S3_ENDPOINT=…,
#                                          # NEWSDESK_TEST_S3_BUCKET=… and NEWSDESK_TEST_S3_PID=…
#   bash scripts/s3.sh stop "$NEWSDESK_TEST_S3_PID"
set -euo pipefail

case "${1:-}" in
  start)
    command -v moto_server >/dev/null 2>&1 || python3 -m pip install -q 'moto[server]==5.2.1' >&2
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    log=$(mktemp /tmp/newsdesk-s3.XXXXXX.log)
    setsid moto_server -H 127.0.0.1 -p "$port" >"$log" 2>&1 < /dev/null &
    pid=$!
    # Waits for it (up to 10 s), then makes the bucket; python3's urllib, as curl may be absent.
    python3 - "$port" <<'PY' || { cat "$log" >&2; kill "$pid"; exit 1; }
import sys, time, urllib.request
base = f"http://127.0.0.1:{sys.argv[1]}"
for _ in range(100):
    try:
        urllib.request.urlopen(base + "/", timeout=1).read()
        break
    except Exception:
        time.sleep(0.1)
urllib.request.urlopen(urllib.request.Request(base + "/newsdesk-test", method="PUT"), timeout=5).read()
PY
    echo "export NEWSDESK_TEST_S3_ENDPOINT=http://127.0.0.1:$port"
    echo "export NEWSDESK_TEST_S3_BUCKET=newsdesk-test"
    echo "export NEWSDESK_TEST_S3_PID=$pid"
    ;;
  stop)
    pid=${2:?usage: s3.sh stop PID}
    kill "$pid" 2>/dev/null || true
    ;;
  *)
    echo "usage: s3.sh start | stop PID" >&2
    exit 2
    ;;
esac
