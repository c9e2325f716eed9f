#!/usr/bin/env bash
# Search: a deterministic corpus of N articles in six languages (`newsdesk bench-corpus`), the
# index built from the database (rate in articles/s), then 1,000 mixed queries timed one by one
# in process (`newsdesk bench-search`): one and two words, phrases, prefixes, a section filter,
# newest-first. Writes the search section of bench/RESULTS.md.
#
#   bash bench/search.sh                  # SIZES="100000"
#   SIZES="100000 1000000" bash bench/search.sh
# Env: BIN (skip the build), SIZES, QUERIES.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
SIZES=${SIZES:-100000}
QUERIES=${QUERIES:-1000}
. "$HERE/lib.sh"
build_bin
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
rows=""
for n in $SIZES; do
  rm -rf "$TMP/data"
  "$BIN" bench-corpus --data "$TMP/data" --articles "$n" 2>"$TMP/corpus.txt"
  corpus=$(cat "$TMP/corpus.txt")
  /usr/bin/time -f '%M' -o "$TMP/rss" "$BIN" bench-search --data "$TMP/data" --queries "$QUERIES" --rebuild >"$TMP/out.json"
  rss=$(( $(cat "$TMP/rss") / 1024 ))
  # A second run on the built index, with a warm page cache, is the one reported for latency.
  "$BIN" bench-search --data "$TMP/data" --queries "$QUERIES" >"$TMP/warm.json"
  size=$(du -sm "$TMP/data/search-index" | cut -f1)
  echo "N=$n: $corpus"; cat "$TMP/out.json" "$TMP/warm.json"
  rows+=$(python3 - "$n" "$TMP/out.json" "$TMP/warm.json" "$rss" "$size" <<'PY'
import json, sys
n, cold, warm, rss, size = int(sys.argv[1]), json.load(open(sys.argv[2])), json.load(open(sys.argv[3])), sys.argv[4], sys.argv[5]
b = cold["build"]
verdict_p99 = "PASS" if warm["p99_us"] < 20000 else "FAIL"
verdict_build = "PASS" if b["per_second"] >= 5000 else "FAIL"
print(f"| {n:,} | {b['per_second']:,.0f}/s ({b['seconds']} s) {verdict_build} | {warm['p50_us']/1000:.2f} ms | {warm['p99_us']/1000:.2f} ms {verdict_p99} | {warm['max_us']/1000:.1f} ms | {warm['queries_with_hits']}/{warm['queries']} | {size} MB | {rss} MB | {b['related_ms_each']} ms |")
PY
)
  rows+=$'\n'
done
section=$(cat <<MD
<!-- search:begin -->
## Search: index build rate and query latency (\`bench/search.sh\`)

- Date: $(date -u '+%Y-%m-%d %H:%M UTC'); machine: $(nproc) CPUs; commit $(git -C "$REPO" rev-parse --short HEAD)
- Corpus: \`newsdesk bench-corpus --articles N\` (deterministic; 60 % English, Turkish, German, French, Spanish, Arabic; 4–8 paragraphs each). Build: \`newsdesk bench-search --rebuild\` reads every article from SQLite and indexes it (one writer thread). Latency: $QUERIES mixed queries, limit 10, timed in process, on the second run.
- Targets: build ≥ 5,000 articles/s; p99 < 20 ms at 1,000,000 articles.

| articles | build | p50 | p99 | max | queries with hits | index size | peak RSS (build) | one Recommended list |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
$rows
Command: \`SIZES="$SIZES" bash bench/search.sh\`.
<!-- search:end -->
MD
)
write_section search "$section"
RESULTS="$REPO/bench/RESULTS.md"
echo "wrote $RESULTS"
