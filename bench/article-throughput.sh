#!/usr/bin/env bash
# Article page throughput: newsdesk vs a private nginx serving the same bytes,
# plus the uncached render time from `newsdesk bench-render`.
#
# One run: build (unless BIN is given), start `newsdesk demo` on a fresh temp
# data dir, pick an article, save its exact bytes, serve them from a private
# nginx (plain + gzip_static), run wrk side by side (interleaved newsdesk/nginx
# per repetition), stop the server, time uncached renders, and write the
# article-throughput section of bench/RESULTS.md. All traffic goes to
# 127.0.0.1; every wait and every wrk run is bounded; everything started here
# is stopped by its PID on exit.
#
# Needs: wrk, nginx, curl, gzip, python3 (lib.sh uses it), cargo (unless BIN).
# Uses ../shared/bench-peers/lib.sh (wrk_median, wait_quiet, wait_http).
#
# Env:  BIN            newsdesk binary; if set, the cargo build is skipped
#                      (default: build, then ${CARGO_TARGET_DIR:-target}/release/newsdesk)
#       PORT           newsdesk port (default 18180); nginx uses PORT+1
#       REPEATS        wrk runs per figure (default 3; median reported)
#       DUR            wrk duration per run, in seconds, e.g. 10s (default 10s)
#       ARTICLE_PATH   article path to measure, e.g. /europe/some-slug
#                      (default: first article link on the home page)
#       RENDER_ITERS   iterations for bench-render (default 2000)
#       QUIET_WAIT     max seconds to wait for a quiet machine before each run (lib.sh, 60)
#       RAW_DIR        raw wrk output (default /tmp/bench/newsdesk-article/raw)
#       RESULTS        TSV that lib.sh appends one line per wrk run to
#                      (default /tmp/bench/newsdesk-article/results.tsv)
#       RESULTS_MD     markdown file to update (default bench/RESULTS.md)
#       STARTUP_TIMEOUT seconds to wait for newsdesk to answer (default 120)
#       RENDER_TIMEOUT  seconds allowed for bench-render (default 600)
#       KEEP_TMP=1     keep the temp dir (data dir, logs, nginx config)
set -euo pipefail
umask 022

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
LIB="$REPO/../shared/bench-peers/lib.sh"

die() { echo "article-throughput: $*" >&2; exit 1; }

case "${1:-}" in
  "") ;;
  -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  *) die "no arguments expected (configure with env vars; see --help)" ;;
esac

[ -r "$LIB" ] || die "missing $LIB (the shared peer-benchmark helpers; expected at \$REPO/../shared/bench-peers/lib.sh)"

PORT=${PORT:-18180}
NGX_PORT=$((PORT + 1))
DUR=${DUR:-10s}
RENDER_ITERS=${RENDER_ITERS:-2000}
STARTUP_TIMEOUT=${STARTUP_TIMEOUT:-120}
RENDER_TIMEOUT=${RENDER_TIMEOUT:-600}
RESULTS_MD=${RESULTS_MD:-$REPO/bench/RESULTS.md}
[[ $PORT =~ ^[0-9]+$ ]] && [ "$PORT" -ge 1024 ] && [ "$NGX_PORT" -le 65535 ] || die "bad PORT=$PORT"
[[ $DUR =~ ^[1-9][0-9]*s?$ ]] || die "DUR must be whole seconds, e.g. 10s (got '$DUR')"
[[ ${REPEATS:-3} =~ ^[1-9][0-9]*$ ]] || die "bad REPEATS=${REPEATS:-}"
[[ $RENDER_ITERS =~ ^[1-9][0-9]*$ ]] || die "bad RENDER_ITERS=$RENDER_ITERS"

# lib.sh reads these when sourced: count newsdesk (and nginx, wrk) as ours in
# the foreign-CPU accounting; keep raw output and the per-run TSV separate from
# the peer benchmarks.
OURS_RE='^(wrk|nginx|newsdesk|ksoftirqd/[0-9]+)$'
RAW_DIR=${RAW_DIR:-/tmp/bench/newsdesk-article/raw}
RESULTS=${RESULTS:-/tmp/bench/newsdesk-article/results.tsv}
mkdir -p "$(dirname "$RESULTS")"
# shellcheck source=../../shared/bench-peers/lib.sh
. "$LIB"

for tool in wrk nginx curl gzip python3; do
  command -v "$tool" >/dev/null || die "needs '$tool' on PATH"
done

# ---- processes we start, stopped by PID on exit -----------------------------
TMP=$(mktemp -d /tmp/newsdesk-article-bench.XXXXXX)
chmod 755 "$TMP"                      # nginx workers may run as another user
ND_PID="" NGX_PID=""

stop_pid() {  # stop_pid PID NAME -- TERM, wait up to 10 s, then KILL
  local pid=$1 name=$2
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    echo "  $name (pid $pid) did not stop on TERM; sending KILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_pid "$ND_PID" newsdesk
  stop_pid "$NGX_PID" nginx
  if [ "${KEEP_TMP:-0}" = 1 ] || [ "$rc" -ne 0 ]; then
    echo "temp dir kept: $TMP" >&2
  else
    rm -rf "$TMP"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in "$PORT" "$NGX_PORT"; do
  ! port_in_use "$p" || die "something already listens on 127.0.0.1:$p (set PORT to a free port; nginx uses PORT+1)"
done

# ---- 1. build ----------------------------------------------------------------
BIN_GIVEN=0
if [ -n "${BIN:-}" ]; then
  BIN_GIVEN=1
  echo "--- build skipped (BIN=$BIN)"
else
  command -v cargo >/dev/null || die "needs cargo (or set BIN to a built newsdesk binary)"
  echo "--- cargo build --release -p newsdesk"
  (cd "$REPO" && cargo build --release -p newsdesk)
  BIN="${CARGO_TARGET_DIR:-$REPO/target}/release/newsdesk"
fi
[ -x "$BIN" ] || die "newsdesk binary not found or not executable: $BIN"
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
comm=$(basename "$BIN"); comm=${comm:0:15}
[[ $comm =~ $OURS_RE ]] || echo "  note: process name '$comm' does not match OURS_RE; its CPU will count as foreign" >&2

# ---- 2. start newsdesk on a fresh data dir ---------------------------------------
ND="http://127.0.0.1:$PORT"
NGX="http://127.0.0.1:$NGX_PORT"
echo "--- starting: $BIN demo --data $TMP/data --listen 127.0.0.1:$PORT"
"$BIN" demo --data "$TMP/data" --listen "127.0.0.1:$PORT" >"$TMP/newsdesk.log" 2>&1 &
ND_PID=$!

nd_alive() {
  kill -0 "$ND_PID" 2>/dev/null && return 0
  echo "newsdesk (pid $ND_PID) has exited; last lines of $TMP/newsdesk.log:" >&2
  tail -n 20 "$TMP/newsdesk.log" >&2 || true
  return 1
}
deadline=$((SECONDS + STARTUP_TIMEOUT))
until wait_http "$ND/" 1 2>/dev/null; do
  nd_alive || die "newsdesk did not start"
  [ "$SECONDS" -lt "$deadline" ] || die "newsdesk did not answer $ND/ within ${STARTUP_TIMEOUT}s (log: $TMP/newsdesk.log)"
done
echo "newsdesk up (pid $ND_PID)"

# ---- 3. pick an article -------------------------------------------------------------
looks_like_article() {  # URL -> 0 if 200 text/html with article markup
  local body=$TMP/candidate.html hdr=$TMP/candidate.hdr
  curl -fsS --max-time 10 -D "$hdr" -o "$body" "$1" 2>/dev/null || return 2
  grep -qi '^content-type: *text/html' "$hdr" || return 2
  grep -qiE 'NewsArticle|og:type"? *content="?article' "$body" || return 1
}
if [ -n "${ARTICLE_PATH:-}" ]; then
  [[ $ARTICLE_PATH == /* ]] || die "ARTICLE_PATH must start with / (got '$ARTICLE_PATH')"
  ARTICLE_SRC="ARTICLE_PATH"
else
  curl -fsS --max-time 10 -o "$TMP/home.html" "$ND/" || die "could not fetch the home page"
  # two path segments (section/slug); skip listing/utility prefixes
  mapfile -t cands < <(grep -oE 'href="/[a-z0-9-]+/[a-z0-9-]+"' "$TMP/home.html" \
    | sed -E 's/^href="//; s/"$//' | awk '!seen[$0]++' \
    | grep -vE '^/(tag|tags|topic|topics|author|authors|section|sections|category|categories|page|search|feed|feeds|rss|atom|static|assets|media|images|img|css|js|fonts|admin|newsroom|api|auth|login|logout|account)/' \
    | head -n 20 || true)
  [ "${#cands[@]}" -gt 0 ] || die "no link of the form href=\"/section/slug\" on the home page (set ARTICLE_PATH)"
  ARTICLE_PATH="" fallback=""
  for c in "${cands[@]}"; do
    rc=0; looks_like_article "$ND$c" || rc=$?
    if [ "$rc" -eq 0 ]; then ARTICLE_PATH=$c; break; fi
    if [ "$rc" -eq 1 ] && [ -z "$fallback" ]; then fallback=$c; fi
  done
  if [ -z "$ARTICLE_PATH" ]; then
    [ -n "$fallback" ] || die "none of the candidate links answered 200 text/html: ${cands[*]}"
    ARTICLE_PATH=$fallback
    echo "  note: no candidate carried NewsArticle/og:type article markup; using $ARTICLE_PATH" >&2
  fi
  ARTICLE_SRC="first article link on the home page"
fi
ARTICLE_URL="$ND$ARTICLE_PATH"
echo "article: $ARTICLE_PATH ($ARTICLE_SRC)"

# ---- 4. same bytes, served by a private nginx -------------------------------------
SITE=$TMP/site
mkdir -p "$SITE/plain" "$SITE/gzs" "$TMP/nginx/logs"
curl -fsS --max-time 10 -D "$TMP/article.hdr" -o "$SITE/plain/article.html" "$ARTICLE_URL" \
  || die "could not fetch $ARTICLE_URL"
! grep -qi '^content-encoding:' "$TMP/article.hdr" \
  || die "newsdesk sent a Content-Encoding to a request without Accept-Encoding: $(grep -i '^content-encoding:' "$TMP/article.hdr")"
[ -s "$SITE/plain/article.html" ] || die "empty article page"
cp "$SITE/plain/article.html" "$SITE/gzs/article.html"
gzip -9 -n -k "$SITE/gzs/article.html"
PLAIN_BYTES=$(wc -c <"$SITE/plain/article.html")
GZ9_BYTES=$(wc -c <"$SITE/gzs/article.html.gz")

cat >"$TMP/nginx/nginx.conf" <<EOF
worker_processes auto;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/logs/error.log warn;
daemon off;                  # runs in the background of this script; stopped by PID
events { worker_connections 4096; }
http {
  types { text/html html; }
  default_type application/octet-stream;
  sendfile on; tcp_nopush on; tcp_nodelay on;
  keepalive_requests 100000;
  access_log off;
  open_file_cache max=100;
  server {
    listen 127.0.0.1:$NGX_PORT;
    root $SITE;
    location /plain/ { gzip off; }
    location /gzs/   { gzip_static on; }
  }
}
EOF
nginx -t -q -e "$TMP/nginx/logs/error.log" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" \
  || die "nginx config test failed"
nginx -e "$TMP/nginx/logs/error.log" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" &
NGX_PID=$!
for _ in $(seq 50); do
  kill -0 "$NGX_PID" 2>/dev/null || die "nginx exited at startup; see $TMP/nginx/logs/error.log"
  wait_http "$NGX/plain/article.html" 1 2>/dev/null && break
done
wait_http "$NGX/plain/article.html" 5 || die "nginx did not answer on $NGX"
echo "nginx up (pid $NGX_PID) on $NGX"

# ---- sanity: what each side actually sends ---------------------------------------
probe() {  # probe URL ENC -> "code bytes content-encoding"
  local hdr=$TMP/probe.hdr code bytes ce args=()
  rm -f "$hdr"
  [ "$2" = none ] || args=(-H "Accept-Encoding: $2")
  read -r code bytes < <(curl -s --max-time 10 -o /dev/null -D "$hdr" "${args[@]}" \
                           -w '%{http_code} %{size_download}\n' "$1")
  ce=$(grep -i '^content-encoding:' "$hdr" 2>/dev/null | tail -n1 | cut -d: -f2 | tr -d ' \r' || true)
  echo "$code $bytes ${ce:-identity}"
}
curl -fsS --max-time 10 "$NGX/plain/article.html" | cmp -s - "$SITE/plain/article.html" \
  || die "nginx does not serve the saved bytes"
read -r _ ND_GZ_BYTES ND_GZ_CE < <(probe "$ARTICLE_URL" gzip)
read -r _ ND_BR_BYTES ND_BR_CE < <(probe "$ARTICLE_URL" br)
read -r _ NGX_GZ_BYTES NGX_GZ_CE < <(probe "$NGX/gzs/article.html" gzip)
[ "$NGX_GZ_CE" = gzip ] || die "nginx gzip_static did not answer with Content-Encoding: gzip"
echo "bytes: plain $PLAIN_BYTES; gzip -9 $GZ9_BYTES (nginx sends $NGX_GZ_BYTES);" \
     "newsdesk gzip $ND_GZ_BYTES ($ND_GZ_CE); newsdesk br $ND_BR_BYTES ($ND_BR_CE)"
SANITY_NOTES=""
[ "$ND_GZ_CE" = gzip ] || SANITY_NOTES+="- newsdesk answered \`Accept-Encoding: gzip\` with Content-Encoding \`$ND_GZ_CE\`: the gzip pair does not compare like with like."$'\n'
[ "$ND_BR_CE" = br ]   || SANITY_NOTES+="- newsdesk answered \`Accept-Encoding: br\` with Content-Encoding \`$ND_BR_CE\`."$'\n'

# ---- 5. wrk, interleaved newsdesk/nginx per repetition ------------------------------
RUNS=$TMP/runs.tsv; : >"$RUNS"
CMDS=$TMP/wrk-commands.txt; : >"$CMDS"
# bench_one LABEL THREADS CONNS URL ENC REP  -- one wrk run through lib.sh's wrk_median
bench_one() {
  local label=$1 t=$2 c=$3 url=$4 enc=$5 rep=$6 line shown="" hdr=()
  if [ "$enc" != none ]; then hdr=(-H "Accept-Encoding: $enc"); shown=" -H 'Accept-Encoding: $enc'"; fi
  local cmd="wrk -t$t -c$c -d$DUR --latency$shown $url"
  grep -qxF -- "$cmd" "$CMDS" || echo "$cmd" >>"$CMDS"
  echo "[$label run $rep/$REPEATS] $cmd"
  local REPEATS=1             # wrk_median reads REPEATS; one run per call, median taken below
  if line=$(wrk_median "$label.r$rep" "$t" "$c" "$DUR" "$url" "${hdr[@]}"); then
    echo "$line"
    printf '%s\t%s\n' "$label" "$line" >>"$RUNS"
  else
    echo "  run failed; raw output: $RAW_DIR/$label.r$rep.1.txt" >&2
    printf '%s\t%s.r%s\tFAILED\n' "$label" "$label" "$rep" >>"$RUNS"
  fi
  [[ $label != newsdesk-* ]] || nd_alive || die "newsdesk died during $label"
}
echo "--- wrk: label  rps  p50ms  p99ms  rps-range  transfer  foreign%  errors (one line per run)"
for i in $(seq "$REPEATS"); do
  bench_one newsdesk-plain-c64   2 64 "$ARTICLE_URL"             none "$i"
  bench_one nginx-plain-c64      2 64 "$NGX/plain/article.html"  none "$i"
done
for i in $(seq "$REPEATS"); do
  bench_one newsdesk-gzip-c64    2 64 "$ARTICLE_URL"             gzip "$i"
  bench_one nginx-gzipstatic-c64 2 64 "$NGX/gzs/article.html"    gzip "$i"
done
for i in $(seq "$REPEATS"); do
  bench_one newsdesk-br-c64      2 64 "$ARTICLE_URL"             br   "$i"
done
for i in $(seq "$REPEATS"); do
  bench_one newsdesk-plain-c1    1 1  "$ARTICLE_URL"             none "$i"
  bench_one nginx-plain-c1       1 1  "$NGX/plain/article.html"  none "$i"
done

# ---- 6. stop the server, then uncached render time -------------------------------------
stop_pid "$ND_PID" newsdesk; ND_PID=""
stop_pid "$NGX_PID" nginx; NGX_PID=""
echo "--- servers stopped; $BIN bench-render --data $TMP/data --iterations $RENDER_ITERS"
wait_quiet
RENDER_JSON="" RENDER_NOTE=""
if out=$(timeout "$RENDER_TIMEOUT" "$BIN" bench-render --data "$TMP/data" --iterations "$RENDER_ITERS" 2>"$TMP/render.err"); then
  cand=$(printf '%s\n' "$out" | grep -E '^[[:space:]]*\{' | tail -n1 || true)
  if [ -n "$cand" ] && python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert all(isinstance(d[k], (int, float)) for k in ("mean_us", "p50_us", "p99_us"))' "$cand" 2>/dev/null; then
    RENDER_JSON=$cand
  else
    RENDER_NOTE="not available (bench-render printed no JSON line with mean_us/p50_us/p99_us)"
  fi
else
  rc=$?
  why="exit $rc"
  if [ "$rc" = 124 ]; then why+=", timed out after ${RENDER_TIMEOUT}s"; fi
  errline=$(tail -n1 "$TMP/render.err" | tr -d '\140|' | cut -c1-200 || true)
  RENDER_NOTE="not available (bench-render $why${errline:+: $errline})"
fi
echo "render: ${RENDER_JSON:-$RENDER_NOTE}"

# ---- 7. RESULTS.md -------------------------------------------------------------
git_commit() {
  local c
  c=$(git -C "$REPO" rev-parse --short=12 HEAD 2>/dev/null) || { echo "none (no commits yet)"; return; }
  if [ -n "$(git -C "$REPO" status --porcelain --untracked-files=no -- . ':!bench/RESULTS.md' 2>/dev/null)" ]; then
    c+=" (with uncommitted changes)"
  fi
  echo "$c"
}
INVOCATION="PORT=$PORT REPEATS=$REPEATS DUR=$DUR RENDER_ITERS=$RENDER_ITERS"
if [ "$ARTICLE_SRC" = ARTICLE_PATH ]; then INVOCATION+=" ARTICLE_PATH=$ARTICLE_PATH"; fi
if [ "$BIN_GIVEN" = 1 ]; then INVOCATION="BIN=$BIN $INVOCATION"; fi
export R_DATE R_NPROC R_MODEL R_KERNEL R_COMMIT R_NGINX R_WRK R_INVOCATION
R_DATE=$(date -u '+%Y-%m-%d %H:%M UTC')
R_NPROC=$(nproc)
R_MODEL=$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' || true)
R_KERNEL=$(uname -r)
R_COMMIT=$(git_commit)
R_NGINX=$(nginx -v 2>&1 | sed 's/^nginx version: //')
R_WRK=$(wrk -v 2>&1 | head -n1 | awk '{print $1" "$2}' || true)
R_INVOCATION="$INVOCATION bench/article-throughput.sh"
export R_ARTICLE=$ARTICLE_PATH R_ARTICLE_SRC=$ARTICLE_SRC R_PLAIN=$PLAIN_BYTES R_GZ9=$GZ9_BYTES \
  R_NGX_GZ=$NGX_GZ_BYTES R_ND_GZ="$ND_GZ_BYTES $ND_GZ_CE" R_ND_BR="$ND_BR_BYTES $ND_BR_CE" \
  R_REPEATS=$REPEATS R_PORT=$PORT R_DUR=$DUR R_RAW=$RAW_DIR R_BIN=$BIN R_RENDER_ITERS=$RENDER_ITERS \
  R_RENDER_JSON=$RENDER_JSON R_RENDER_NOTE=$RENDER_NOTE R_SANITY=$SANITY_NOTES

mkdir -p "$(dirname "$RESULTS_MD")"
python3 - "$RUNS" "$CMDS" "$RESULTS_MD" <<'PY'
import json, os, re, statistics as st, sys
runs_f, cmds_f, md_f = sys.argv[1:4]
E = os.environ
BEGIN, END = "<!-- article-throughput:begin -->", "<!-- article-throughput:end -->"

order, runs = [], {}
for ln in open(runs_f):
    f = ln.rstrip("\n").split("\t")
    label = f[0]
    if label not in runs:
        order.append(label); runs[label] = []
    runs[label].append(f[1:])

agg = {}
for label in order:
    ok = [r for r in runs[label] if len(r) >= 8 and r[1] != "FAILED"]
    failed = len(runs[label]) - len(ok)
    fcpu = "/".join(r[6].split("=", 1)[1] for r in ok)
    errs = sorted({r[7] for r in ok if r[7] != "none"})
    if failed: errs.append(f"{failed} run(s) failed")
    if ok:
        rps = [float(r[1]) for r in ok]
        agg[label] = dict(rps=st.median(rps), p50=st.median(float(r[2]) for r in ok),
                          p99=st.median(float(r[3]) for r in ok), lo=min(rps), hi=max(rps),
                          tr=st.median(float(r[5].removesuffix("MB/s")) for r in ok),
                          n=len(ok), fcpu=fcpu, errs="; ".join(errs) or "none")
    else:
        agg[label] = dict(rps=None, n=0, fcpu="", errs="; ".join(errs))

def ratio(a, b):
    x, y = agg.get(a, {}).get("rps"), agg.get(b, {}).get("rps")
    return x / y if x is not None and y else None
def fmt_ratio(r): return "n/a" if r is None else (f"{r:.2f}×" if r >= 0.1 else f"{r:.2g}×")
def verdict(ok): return "NO DATA" if ok is None else ("PASS" if ok else "FAIL")

out = [BEGIN, "## Article page: newsdesk vs nginx (`bench/article-throughput.sh`)", ""]
out += [f"- Date: {E['R_DATE']}",
        f"- Machine: {E['R_NPROC']} CPUs (nproc), {E['R_MODEL'] or 'unknown model'}, kernel {E['R_KERNEL']}",
        f"- Commit: {E['R_COMMIT']}",
        f"- Tools: {E['R_NGINX']}, {E['R_WRK']}; wrk runs on the same cores as the servers, all traffic on 127.0.0.1",
        f"- Article: `{E['R_ARTICLE']}` ({E['R_ARTICLE_SRC']}), {E['R_PLAIN']} B plain; "
        f"nginx serves the same bytes from a file (gzip_static: `gzip -9` copy, {E['R_NGX_GZ']} B on the wire)",
        f"- newsdesk on the wire: gzip {E['R_ND_GZ'].split()[0]} B (Content-Encoding {E['R_ND_GZ'].split()[1]}), "
        f"br {E['R_ND_BR'].split()[0]} B (Content-Encoding {E['R_ND_BR'].split()[1]})",
        f"- Method: each figure is the median of {E['R_REPEATS']} wrk runs of {E['R_DUR']}; newsdesk and nginx runs "
        "alternate (A/B/A/B) within each pair; before each run lib.sh waits (bounded) for foreign CPU < 10%.",
        ""]
if E.get("R_SANITY"): out += [E["R_SANITY"].rstrip("\n"), ""]

out += ["| run | req/s (median) | p50 ms | p99 ms | req/s range | transfer/s | foreign CPU % per run | errors |",
        "|---|---:|---:|---:|---|---:|---|---|"]
for label in order:
    a = agg[label]
    if a["rps"] is None:
        out.append(f"| {label} | failed | | | | | | {a['errs']} |")
    else:
        out.append(f"| {label} | {a['rps']:,.0f} | {a['p50']:.3f} | {a['p99']:.3f} | "
                   f"{a['lo']:,.0f}–{a['hi']:,.0f} | {a['tr']:.1f} MB/s | {a['fcpu']} | {a['errs']} |")
hot = [l for l in order if any(int(x) > 10 for x in agg[l]["fcpu"].split("/") if x.lstrip("-").isdigit())]
out += ["", "Foreign CPU above 10% (results less trustworthy): " + (", ".join(hot) if hot else "none"), ""]

r_plain, r_gz, r_c1 = (ratio("newsdesk-plain-c64", "nginx-plain-c64"),
                       ratio("newsdesk-gzip-c64", "nginx-gzipstatic-c64"),
                       ratio("newsdesk-plain-c1", "nginx-plain-c1"))
out += ["Ratios, newsdesk / nginx (median req/s):", "",
        f"- plain, c64: **{fmt_ratio(r_plain)}**",
        f"- gzip, c64 (newsdesk gzip vs nginx gzip_static): **{fmt_ratio(r_gz)}**",
        f"- plain, c1: **{fmt_ratio(r_c1)}** (c1 depends on vCPU wake-up; compare only within one run)",
        "- br, c64: no nginx counterpart (stock Debian nginx has no brotli module); absolute figure only", ""]

rj = E.get("R_RENDER_JSON")
render_mean = None
if rj:
    d = json.loads(rj); render_mean = d["mean_us"]
    out += [f"Uncached render (`newsdesk bench-render --iterations {E['R_RENDER_ITERS']}`, server stopped, same data dir): "
            f"mean **{d['mean_us']:.1f} µs**, p50 {d['p50_us']:.1f} µs, p99 {d['p99_us']:.1f} µs "
            f"({d.get('iterations', E['R_RENDER_ITERS'])} iterations)", "", f"    {rj}", ""]
else:
    out += [f"Uncached render: {E['R_RENDER_NOTE']}", ""]

out += ["| target | measured | result |", "|---|---|---|",
        f"| newsdesk ≥ 0.9× nginx req/s, plain c64 | {fmt_ratio(r_plain)} | {verdict(None if r_plain is None else r_plain >= 0.9)} |",
        f"| newsdesk ≥ 0.9× nginx req/s, gzip c64 (vs gzip_static) | {fmt_ratio(r_gz)} | {verdict(None if r_gz is None else r_gz >= 0.9)} |",
        f"| uncached render < 1 ms (mean) | {'n/a' if render_mean is None else f'{render_mean:.1f} µs'} | "
        f"{verdict(None if render_mean is None else render_mean < 1000)} |", ""]

cmds = [c.rstrip("\n") for c in open(cmds_f) if c.strip()]
out += ["Commands (nginx: private config on PORT+1, `/plain/` and `/gzs/` with `gzip_static on`, sendfile, access_log off):",
        "", "```", E["R_INVOCATION"],
        f"{E['R_BIN']} demo --data $TMP/data --listen 127.0.0.1:{E['R_PORT']}", *cmds,
        f"{E['R_BIN']} bench-render --data $TMP/data --iterations {E['R_RENDER_ITERS']}", "```", "",
        f"Raw wrk output: `{E['R_RAW']}` (this machine only, not in the repo).", END]
section = "\n".join(out) + "\n"

try: text = open(md_f).read()
except FileNotFoundError: text = "# newsdesk benchmark results\n\n"
if BEGIN in text and END in text and text.index(BEGIN) < text.index(END):
    a, b = text.index(BEGIN), text.index(END) + len(END)
    text = text[:a] + section.rstrip("\n") + text[b:]
else:
    text = text.rstrip("\n") + "\n\n" + section
open(md_f, "w").write(text)
print(section)
PY
echo "--- wrote $RESULTS_MD"
