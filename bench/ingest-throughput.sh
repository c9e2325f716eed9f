#!/usr/bin/env bash
# Wire ingest throughput: N generated ninjs 3 items (one JSON array, written here, text made up
# for the benchmark) imported into a fresh data directory by the release binary, including
# parsing, HTML sanitizing, and storage (one durable transaction per item, WAL + synchronous=FULL).
# Writes the ingest-throughput section of bench/RESULTS.md.
#
#   bash bench/ingest-throughput.sh            # N=5000 REPEATS=3
# Env: BIN (skip the build), N, REPEATS.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
N=${N:-5000}
REPEATS=${REPEATS:-3}
. "$HERE/lib.sh"
build_bin
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
python3 - "$N" "$TMP/items.json" <<'PY'
import json, sys
n, out = int(sys.argv[1]), sys.argv[2]
items = []
for i in range(n):
    paras = "".join(f"<p>Paragraph {j} of bench story {i}: harbour cranes, shipping lanes and a pay deal.</p>" for j in range(8))
    items.append({"uri": f"urn:newsdesk:bench:{i}", "type": "text", "version": "1",
                  "versionCreated": f"2026-03-02T08:{i // 60 % 60:02d}:{i % 60:02d}Z", "language": "en",
                  "headlines": [{"role": "main", "value": f"Bench story {i} about harbour cranes"}],
                  "bodies": [{"role": "main", "contentType": "text/html", "value": paras}],
                  "by": "By Sami Farouk", "subjects": [{"name": "labour"}, {"name": "shipping"}]})
json.dump(items, open(out, "w"))
PY
rates=()
rss=()
for r in $(seq "$REPEATS"); do
  rm -rf "$TMP/data"
  /usr/bin/time -f '%e %M' -o "$TMP/time" "$BIN" import --data "$TMP/data" "$TMP/items.json" >/dev/null 2>"$TMP/err"
  read -r secs kb <"$TMP/time"
  rate=$(python3 -c "print(round($N / $secs))")
  echo "run $r: $N items in ${secs}s = $rate items/s, peak RSS ${kb} KB"
  rates+=("$rate"); rss+=("$kb")
done
median=$(printf '%s\n' "${rates[@]}" | sort -n | sed -n "$(( (REPEATS + 1) / 2 ))p")
peak=$(printf '%s\n' "${rss[@]}" | sort -n | tail -n 1)
verdict=$([ "$median" -ge 2000 ] && echo PASS || echo FAIL)
section=$(cat <<MD
<!-- ingest-throughput:begin -->
## Wire ingest: ninjs items per second (\`bench/ingest-throughput.sh\`)

- Date: $(date -u '+%Y-%m-%d %H:%M UTC'); machine: $(nproc) CPUs; commit $(git -C "$REPO" rev-parse --short HEAD)
- $N generated ninjs 3 text items (8 HTML paragraphs each) in one file, imported by \`newsdesk import\` into a fresh data directory: parse, sanitize (ammonia), store (one durable transaction per item).
- Runs (items/s): ${rates[*]}; median **$median items/s**; peak RSS $(( peak / 1024 )) MB.
- Target ≥ 2,000 items/s: **$verdict**. (NewsML-G2 is not implemented yet, so it is not measured.)

Command: \`N=$N REPEATS=$REPEATS bash bench/ingest-throughput.sh\`, which runs \`/usr/bin/time -f '%e %M' newsdesk import --data DIR items.json\`.
<!-- ingest-throughput:end -->
MD
)
write_section ingest-throughput "$section"
RESULTS="$REPO/bench/RESULTS.md"
echo "median $median items/s ($verdict); wrote $RESULTS"
