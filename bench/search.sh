#!/usr/bin/env bash
# Search: a deterministic corpus of N articles in six languages (`newsdesk bench-corpus`), the
# index built from the database (rate in articles/s), then 1,000 mixed queries timed one by one
# in process (`newsdesk bench-search`): one and two words, phrases, prefixes, a section filter,
# newest-first. Then `newsdesk serve` on the same data, and PUBLISHES times a story is imported
# by another process (`newsdesk import`, a ninjs item with a word no other story has) and polled
# for on /search every 5 ms: the time from starting the import to the story being found (the
# import's own start-up included, so an upper bound). Writes the search section of
# bench/RESULTS.md. All traffic goes to 127.0.0.1; the server is stopped on exit.
#
#   bash bench/search.sh                  # SIZES="100000"
#   SIZES="100000 1000000" bash bench/search.sh
# Env: BIN (skip the build), SIZES, QUERIES, PUBLISHES (default 20), PORT (default 18190),
#      CORPUS_DIR (keep each corpus in CORPUS_DIR/N and reuse it if there; default: a temp dir).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
SIZES=${SIZES:-100000}
QUERIES=${QUERIES:-1000}
PUBLISHES=${PUBLISHES:-20}
PORT=${PORT:-18190}
. "$HERE/lib.sh"
build_bin
TMP=$(mktemp -d)
SERVER=""
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$TMP"' EXIT

# publish_to_searchable DATA: starts the server on DATA, times PUBLISHES publishes until each is
# found by search, stops the server; prints JSON {"p50_ms", "max_ms", "n"}.
publish_to_searchable() {
  "$BIN" serve --data "$1" --listen "127.0.0.1:$PORT" >"$TMP/serve.log" 2>&1 &
  SERVER=$!
  python3 - "$BIN" "$1" "$PORT" "$PUBLISHES" "$TMP" <<'PY'
import json, subprocess, sys, time, urllib.request
bin_, data, port, n, tmp = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
base = f"http://127.0.0.1:{port}"
def get(path):
    with urllib.request.urlopen(base + path, timeout=5) as r:
        return r.read().decode()
deadline = time.monotonic() + 120
while True:
    try:
        if "being built" not in get("/search?q=harbour"):
            break
    except OSError:
        pass
    if time.monotonic() > deadline:
        sys.exit("the server did not answer with a built index within 120 s")
    time.sleep(0.2)
took = []
letters = lambda v, width: "".join(chr(ord("a") + int(d)) for d in f"{v:0{width}d}")
run = letters(int(time.time()) % 10**6, 6)  # a reused corpus gets new stories each run
for i in range(n):
    word = "quillwort" + run + letters(i, 4)
    headline = f"Botanists count the {word} of the northern lakes"
    item = {"uri": f"urn:newsdesk:bench:{run}:{i}", "version": "1", "type": "text", "language": "en",
            "headline": headline, "body_html": f"<p>A survey of the {word} found it thriving.</p>",
            "versioncreated": "2026-01-01T00:00:00Z"}
    path = f"{tmp}/item.json"
    with open(path, "w") as f:
        json.dump(item, f)
    t0 = time.monotonic()
    subprocess.run([bin_, "import", "--data", data, path], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while headline not in get(f"/search?q={word}"):
        if time.monotonic() - t0 > 10:
            sys.exit(f"story {i} not searchable 10 s after its import started")
        time.sleep(0.005)
    took.append((time.monotonic() - t0) * 1000)
took.sort()
print(json.dumps({"p50_ms": round(took[len(took) // 2], 1), "max_ms": round(took[-1], 1), "n": n}))
PY
  kill "$SERVER" 2>/dev/null || true
  wait "$SERVER" 2>/dev/null || true
  SERVER=""
}
rows=""
for n in $SIZES; do
  data="$TMP/data"
  if [ -n "${CORPUS_DIR:-}" ]; then data="$CORPUS_DIR/$n"; fi
  if [ -z "${CORPUS_DIR:-}" ] || [ ! -f "$data/corpus.txt" ]; then
    rm -rf "$data"
    "$BIN" bench-corpus --data "$data" --articles "$n" 2>"$TMP/corpus.txt"
    grep -v INFO "$TMP/corpus.txt" >"$data/corpus.txt"
  fi
  corpus=$(cat "$data/corpus.txt")
  /usr/bin/time -f '%M' -o "$TMP/rss" "$BIN" bench-search --data "$data" --queries "$QUERIES" --rebuild >"$TMP/out.json"
  rss=$(( $(cat "$TMP/rss") / 1024 ))
  # A second run on the built index, with a warm page cache, is the one reported for latency.
  "$BIN" bench-search --data "$data" --queries "$QUERIES" >"$TMP/warm.json"
  size=$(du -sm "$data/search-index" | cut -f1)
  publish_to_searchable "$data" >"$TMP/publish.json"
  echo "N=$n: $corpus"; cat "$TMP/out.json" "$TMP/warm.json" "$TMP/publish.json"
  rows+=$(python3 - "$n" "$TMP/out.json" "$TMP/warm.json" "$rss" "$size" "$TMP/publish.json" <<'PY'
import json, sys
n, cold, warm, rss, size = int(sys.argv[1]), json.load(open(sys.argv[2])), json.load(open(sys.argv[3])), sys.argv[4], sys.argv[5]
pub = json.load(open(sys.argv[6]))
verdict_pub = "PASS" if pub["max_ms"] < 1000 else "FAIL"
b = cold["build"]
verdict_p99 = "PASS" if warm["p99_us"] < 20000 else "FAIL"
verdict_build = "PASS" if b["per_second"] >= 5000 else "FAIL"
cpu = f", {b['cpu_seconds']} CPU-s" if b.get("cpu_seconds") is not None else ""
print(f"| {n:,} | {b['per_second']:,.0f}/s ({b['seconds']} s{cpu}) {verdict_build} | {warm['p50_us']/1000:.2f} ms | {warm['p99_us']/1000:.2f} ms {verdict_p99} | {warm['max_us']/1000:.1f} ms | {warm['queries_with_hits']}/{warm['queries']} | {size} MB | {rss} MB | {b['related_ms_each']} ms | {pub['p50_ms']:.0f} ms / {pub['max_ms']:.0f} ms {verdict_pub} |")
PY
)
  rows+=$'\n'
done
section=$(cat <<MD
<!-- search:begin -->
## Search: index build rate and query latency (\`bench/search.sh\`)

- Date: $(date -u '+%Y-%m-%d %H:%M UTC'); machine: $(nproc) CPUs; commit $(git -C "$REPO" rev-parse --short HEAD)
- Corpus: \`newsdesk bench-corpus --articles N\` (deterministic; 60 % English, Turkish, German, French, Spanish, Arabic; 4–8 paragraphs each). Build: \`newsdesk bench-search --rebuild\` reads every article from SQLite and indexes it (two indexing threads, 96 MB for both). Latency: $QUERIES mixed queries, limit 10, timed in process, on the second run.
- Publish → searchable: \`newsdesk serve\` on the same data; $PUBLISHES times, a ninjs story imported by another process (\`newsdesk import\`) and polled for on \`/search\` every 5 ms; from the start of the import (its own start-up included) to the story in the results; p50 / max. The server meanwhile computes the Recommended lists the rebuild left to the background.
- Targets: build ≥ 5,000 articles/s; p99 < 20 ms at 1,000,000 articles; publish → searchable < 1 s.

| articles | build | p50 | p99 | max | queries with hits | index size | peak RSS (build) | one Recommended list | publish → searchable (p50 / max) |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
$rows
Command: \`SIZES="$SIZES" bash bench/search.sh\`.
<!-- search:end -->
MD
)
write_section search "$section"
RESULTS="$REPO/bench/RESULTS.md"
echo "wrote $RESULTS"
