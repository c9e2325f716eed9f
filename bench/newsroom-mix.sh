#!/usr/bin/env bash
# The newsroom mix on a benchmark corpus: readers and crawlers while editors publish.
#
# wrk (64 connections) sends 80 % of its requests to the hot set (the 200 newest stories, the
# home page, every section front and the site feed) and 20 % uniformly over a sample of the
# archive, while a publisher creates and publishes a story through the Admin API every 5 s and
# times (a) the create + publish calls and (b) how long until the story shows on its section
# front, the home page and the site feed. Side by side in one run:
#   1. newsdesk, default page cache, no publishing
#   2. newsdesk, default page cache, publishing every 5 s
#   3. newsdesk, a page cache that holds every page of the run (BIG_CACHE_MB), publishing
#   4. nginx serving the same pages pre-rendered as files (the limit)
# Reports req/s, p50, p99, wrk time-outs and errors, the node's peak RSS, and the publisher's
# figures; writes the newsroom-mix section of bench/RESULTS.md. Traffic stays on 127.0.0.1;
# every process started here is stopped on exit.
#
#   bash bench/newsroom-mix.sh N            (N stories: 100000 or 1000000)
#
# Env: BIN (newsdesk binary; default: cargo build --release), CORPUS_DIR (default /tmp/corpus/N,
# made with `newsdesk bench-corpus` when missing), DUR (wrk seconds per run, default 30s),
# CACHE_MB (default 64), BIG_CACHE_MB (default 2048), ARCHIVE_SAMPLE (default 20000),
# PORT (default 18280; nginx PORT+1), KEEP_TMP=1.
set -euo pipefail
umask 022
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
. "$REPO/bench/lib.sh"
LIB="$REPO/../shared/bench-peers/lib.sh"
[ -r "$LIB" ] || { echo "newsroom-mix: missing $LIB" >&2; exit 1; }
# newsdesk's own background work (the Recommended backfill) is part of what is measured, not
# someone else's load to wait out.
export OURS_RE='^(wrk|nginx|newsdesk|tokio-runtime-w|ksoftirqd/[0-9]+)$'
. "$LIB"

N=${1:?usage: bench/newsroom-mix.sh N}
DUR=${DUR:-30s}
CACHE_MB=${CACHE_MB:-64}
BIG_CACHE_MB=${BIG_CACHE_MB:-2048}
SAMPLE=${ARCHIVE_SAMPLE:-20000}
PORT=${PORT:-18280}
NGX_PORT=$((PORT + 1))
CORPUS=${CORPUS_DIR:-/tmp/corpus/$N}
build_bin

TMP=$(mktemp -d /tmp/newsroom-mix.XXXXXX)
chmod 755 "$TMP"  # nginx's workers read the pre-rendered pages from it
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ "${KEEP_TMP:-0}" = 1 ] || rm -rf "$TMP"
}
trap cleanup EXIT

if [ ! -f "$CORPUS/newsdesk.db" ]; then
  echo "== making the corpus ($N stories) in $CORPUS"
  mkdir -p "$CORPUS"
  "$BIN" --data "$CORPUS" bench-corpus --articles "$N"
fi
if ! "$BIN" --data "$CORPUS" user list 2>/dev/null | grep -q bench-editor@newsdesk.example; then
  printf 'bench-editor-password-1\n' | "$BIN" --data "$CORPUS" user add bench-editor@newsdesk.example --role editor >/dev/null
fi
TOKEN=$("$BIN" --data "$CORPUS" user token bench-editor@newsdesk.example --name "mix $(date +%s)")

echo "== URL lists"
DB=$CORPUS/newsdesk.db
python3 - "$DB" "$TMP" "$SAMPLE" <<'PY'
import sqlite3, sys, urllib.parse
db, tmp, sample = sys.argv[1], sys.argv[2], int(sys.argv[3])
c = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
def path(section, slug):
    return "/" + urllib.parse.quote(section) + "/" + urllib.parse.quote(slug)
rows = c.execute("""SELECT s.slug, a.slug FROM articles a JOIN sections s ON s.id = a.section_id
                    WHERE a.state = 'published' ORDER BY a.published_at DESC LIMIT 200""").fetchall()
hot = [path(*r) for r in rows] + ["/", "/feed.xml"]
hot += ["/" + urllib.parse.quote(s) for (s,) in c.execute("SELECT slug FROM sections")]
# A fixed pseudo-random sample of the archive (the same on every run).
rows = c.execute("""SELECT s.slug, a.slug FROM articles a JOIN sections s ON s.id = a.section_id
                    WHERE a.state = 'published' ORDER BY (a.id * 2654435761) % 1000003 LIMIT ?""", (sample,)).fetchall()
archive = [path(*r) for r in rows]
open(f"{tmp}/hot.txt", "w").write("\n".join(hot) + "\n")
open(f"{tmp}/archive.txt", "w").write("\n".join(archive) + "\n")
sections = [r[0] for r in c.execute("SELECT name FROM sections")]
open(f"{tmp}/sections.txt", "w").write("\n".join(sections) + "\n")
print(f"hot {len(hot)} paths, archive sample {len(archive)} paths")
PY

cat > "$TMP/mix.lua" <<'LUA'
local hot, archive = {}, {}
local function load(file, into) for line in io.lines(file) do if #line > 0 then into[#into + 1] = line end end end
function init(args)
  load(args[1], hot); load(args[2], archive)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end
function request()
  local list = (math.random() < 0.8) and hot or archive
  return wrk.format("GET", list[math.random(#list)])
end
LUA

start_node() {  # start_node CACHE_MB -> sets NODE_PID
  "$BIN" --data "$CORPUS" serve --listen "127.0.0.1:$PORT" --page-cache-mb "$1" \
    > "$TMP/node-$1.log" 2>&1 &
  NODE_PID=$!
  PIDS+=("$NODE_PID")
  wait_http "http://127.0.0.1:$PORT/" 600
  # The search index is built at start (when its files are missing or old): the runs measure
  # serving, after it. The Recommended backfill goes on in the background, as on a live site.
  # Waits (at most 10 minutes) until the node uses less than half a core over 3 s.
  local t0=$SECONDS hz; hz=$(getconf CLK_TCK)
  while [ $((SECONDS - t0)) -lt 600 ]; do
    local a b; a=$(awk '{print $14 + $15}' "/proc/$NODE_PID/stat"); sleep 3; b=$(awk '{print $14 + $15}' "/proc/$NODE_PID/stat")
    [ $(( (b - a) * 100 / (3 * hz) )) -lt 50 ] && break
  done
  echo "  node settled after $((SECONDS - t0)) s"
}
stop_node() { kill "$NODE_PID" 2>/dev/null || true; wait "$NODE_PID" 2>/dev/null || true; }
peak_rss_mb() { awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$1/status"; }
# rss_sampler PID OUT: the highest anonymous (heap, caches) and file-backed (the memory-mapped
# search index, the binary) resident sizes seen, sampled every half second while PID lives:
# VmHWM adds them up, and file pages are the kernel's to drop.
rss_sampler() {
  local pid=$1 out=$2 anon=0 file=0 a f
  while [ -r "/proc/$pid/status" ]; do
    a=$(awk '/RssAnon/ {print int($2 / 1024)}' "/proc/$pid/status" 2>/dev/null || echo 0)
    f=$(awk '/RssFile/ {print int($2 / 1024)}' "/proc/$pid/status" 2>/dev/null || echo 0)
    [ "${a:-0}" -gt "$anon" ] && anon=$a
    [ "${f:-0}" -gt "$file" ] && file=$f
    echo "anon $anon, file $file" > "$out"
    sleep 0.5
  done
}
# rss_cell PID: "VmHWM (anon A, file F)" for the table.
rss_cell() { echo "$(peak_rss_mb "$1") ($(cat "$TMP/rss-$1.txt" 2>/dev/null || echo "anon ?, file ?"))"; }

# publisher SECONDS OUT_JSON: a story every 5 s through the Admin API, timed to its pages.
publisher() {
  python3 - "http://127.0.0.1:$PORT" "$TOKEN" "$1" "$2" "$TMP/sections.txt" <<'PY'
import http.client, json, sys, time, urllib.parse, random
base, token, seconds, out, sections_file = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4], sys.argv[5]
host = urllib.parse.urlparse(base)
sections = [s.strip() for s in open(sections_file) if s.strip()]
# The newsroom comes from another address than the readers (wrk holds 64 connections from
# 127.0.0.1, the per-address limit): 127.0.0.2.
NEWSROOM = ("127.0.0.2", 0)
def call(method, path, body=None, timeout=30):
    c = http.client.HTTPConnection(host.hostname, host.port, timeout=timeout, source_address=NEWSROOM)
    headers = {"authorization": f"Bearer {token}", "content-type": "application/json"}
    c.request(method, path, json.dumps(body) if body is not None else None, headers)
    r = c.getresponse(); data = r.read(); c.close()
    return r.status, data
def page(path):
    c = http.client.HTTPConnection(host.hostname, host.port, timeout=30, source_address=NEWSROOM)
    c.request("GET", path); r = c.getresponse(); data = r.read(); c.close()
    return data.decode("utf-8", "replace")
admin, visible, failures = [], {"front": [], "home": [], "feed": []}, 0
end = time.time() + seconds
n = 0
while time.time() < end:
    started = time.time()
    n += 1
    section = random.Random(n).choice(sections)
    headline = f"Mix bulletin {int(started)} number {n} zyqv{n}"
    t0 = time.time()
    try:
        status, data = call("POST", "/api/v1/admin/articles", {"headline": headline, "section": section,
                            "body": [{"type": "paragraph", "text": "Filed while readers browse."}]})
        if status != 201 and status != 200: raise RuntimeError(f"create {status} {data[:200]}")
        sid = json.loads(data)["data"]["id"]
        for action in ["submit", "start_edit", "publish"]:
            status, data = call("POST", f"/api/v1/admin/articles/{sid}/transitions", {"action": action})
            if status != 200: raise RuntimeError(f"{action} {status} {data[:200]}")
        story = json.loads(data)["data"]
    except Exception as e:
        failures += 1
        print("publisher:", e, file=sys.stderr)
        time.sleep(max(0, 5 - (time.time() - started)))
        continue
    published = time.time()
    admin.append((published - t0) * 1000)
    path = urllib.parse.urlparse(story.get("url") or "").path
    front = "/" + path.strip("/").split("/")[0] if path else None
    wanted = {"front": front, "home": "/", "feed": "/feed.xml"}
    pending = {k: v for k, v in wanted.items() if v}
    marker = f"zyqv{n}"
    while pending and time.time() - published < 30:
        for k, p in list(pending.items()):
            if marker in page(p):
                visible[k].append((time.time() - published) * 1000)
                del pending[k]
        time.sleep(0.02)
    time.sleep(max(0, 5 - (time.time() - started)))
def pct(xs, p):
    xs = sorted(xs)
    return round(xs[min(len(xs) - 1, int(len(xs) * p))], 1) if xs else None
json.dump({"stories": len(admin), "failures": failures,
           "admin_p50_ms": pct(admin, 0.5), "admin_p99_ms": pct(admin, 0.99), "admin_max_ms": pct(admin, 1.0),
           "visible_p99_ms": {k: pct(v, 0.99) for k, v in visible.items()},
           "visible_max_ms": {k: pct(v, 1.0) for k, v in visible.items()}}, open(out, "w"))
PY
}

# run LABEL URL [publish]: one wrk run of the mix; with "publish", the publisher runs alongside.
run() {
  local label=$1 url=$2 publish=${3:-}
  wait_quiet 60
  if [ -n "$publish" ]; then publisher "${DUR%s}" "$TMP/$label.publisher.json" & local pub=$!; fi
  wrk -t2 -c64 -d"$DUR" --timeout 10s --latency -s "$TMP/mix.lua" "$url" -- "$TMP/hot.txt" "$TMP/archive.txt" \
    > "$TMP/$label.wrk.txt" 2>&1
  if [ -n "$publish" ]; then wait "$pub"; fi
  echo "-- $label"; grep -E "Requests/sec|Socket errors|Non-2xx|^ +(50|99)%" "$TMP/$label.wrk.txt" || true
}

echo "== newsdesk, --page-cache-mb $CACHE_MB"
start_node "$CACHE_MB"
rss_sampler "$NODE_PID" "$TMP/rss-$NODE_PID.txt" &
run warmup "http://127.0.0.1:$PORT"
run default-quiet "http://127.0.0.1:$PORT"
run default-publishing "http://127.0.0.1:$PORT" publish
RSS_DEFAULT=$(rss_cell "$NODE_PID")
grep -E '"page cache"|page cache' "$TMP/node-$CACHE_MB.log" | tail -n 1 > "$TMP/cache-default.txt" || true
stop_node

echo "== newsdesk, --page-cache-mb $BIG_CACHE_MB"
start_node "$BIG_CACHE_MB"
rss_sampler "$NODE_PID" "$TMP/rss-$NODE_PID.txt" &
run warmup-big "http://127.0.0.1:$PORT"
run big-publishing "http://127.0.0.1:$PORT" publish
RSS_BIG=$(rss_cell "$NODE_PID")

echo "== pre-rendering every page of the mix for nginx"
python3 - "http://127.0.0.1:$PORT" "$TMP" <<'PY'
import http.client, os, sys, urllib.parse
base, tmp = sys.argv[1], sys.argv[2]
u = urllib.parse.urlparse(base)
c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
n = 0
for name in ["hot.txt", "archive.txt"]:
    for path in open(f"{tmp}/{name}"):
        path = path.strip()
        if not path: continue
        c.request("GET", path); r = c.getresponse(); body = r.read()
        if r.status != 200: continue
        target = os.path.join(tmp, "www", urllib.parse.unquote(path).lstrip("/"), "index.html")
        os.makedirs(os.path.dirname(target), exist_ok=True)
        open(target, "wb").write(body); n += 1
print(f"{n} pages written")
PY
stop_node

mkdir -p "$TMP/nginx"
cat > "$TMP/nginx/nginx.conf" <<EOF
worker_processes 2;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  default_type text/html;
  sendfile on;
  keepalive_requests 100000;
  server {
    listen 127.0.0.1:$NGX_PORT;
    root $TMP/www;
    location / { try_files \$uri/index.html =404; }
  }
}
EOF
nginx -c "$TMP/nginx/nginx.conf" -p "$TMP/nginx" -g 'daemon off;' &
PIDS+=($!)
wait_http "http://127.0.0.1:$NGX_PORT/"
run nginx "http://127.0.0.1:$NGX_PORT"

python3 - "$TMP" "$N" "$CACHE_MB" "$BIG_CACHE_MB" "$RSS_DEFAULT" "$RSS_BIG" "$SAMPLE" "$DUR" > "$TMP/section.md" <<'PY'
import json, re, sys
tmp, n, cache, big, rss_default, rss_big, sample, dur = sys.argv[1:]
def wrk(label):
    t = open(f"{tmp}/{label}.wrk.txt").read()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
    def lat(p):
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)", t, re.M)
        v, u = float(m.group(1)), m.group(2)
        return v / 1000 if u == "us" else v * 1000 if u == "s" else v
    to = re.search(r"timeout (\d+)", t)
    errs = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+)", t)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
    return {"rps": rps, "p50": lat(50), "p99": lat(99), "timeouts": int(to.group(1)) if to else 0,
            "errors": sum(map(int, errs.groups())) if errs else 0, "non2xx": int(non2xx.group(1)) if non2xx else 0}
runs = {k: wrk(k) for k in ["default-quiet", "default-publishing", "big-publishing", "nginx"]}
pubs = {k: json.load(open(f"{tmp}/{k}.publisher.json")) for k in ["default-publishing", "big-publishing"]}
ng = runs["nginx"]["rps"]
rows = [("newsdesk, --page-cache-mb " + cache + ", no publishing", "default-quiet", rss_default),
        ("newsdesk, --page-cache-mb " + cache + ", a story every 5 s", "default-publishing", rss_default),
        ("newsdesk, --page-cache-mb " + big + ", a story every 5 s", "big-publishing", rss_big),
        ("nginx, the same pages as files", "nginx", "")]
print(f"<!-- newsroom-mix-{n}:begin -->")
print(f"## Newsroom mix at {int(n):,} stories")
print()
print(f"`bash bench/newsroom-mix.sh {n}` (wrk -t2 -c64 -d{dur}; 80 % of requests to the 200 newest stories, "
      f"the fronts and the site feed, 20 % uniformly over {int(sample):,} archive stories; one run, side by side).")
print()
print("| server | req/s | × nginx | p50 ms | p99 ms | time-outs | errors | non-2xx | peak RSS MB (peak anonymous, file-backed) |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for name, k, rss in rows:
    r = runs[k]
    print(f"| {name} | {r['rps']:.0f} | {r['rps']/ng:.2f} | {r['p50']:.2f} | {r['p99']:.2f} | {r['timeouts']} | {r['errors']} | {r['non2xx']} | {rss} |")
q, p = runs["default-quiet"]["rps"], runs["default-publishing"]["rps"]
print()
print(f"With publishing / without: **{p/q:.2f}×**.")
print()
print("| publisher (Admin API, a story every 5 s) | stories | failed | create+publish p50 ms | p99 ms | on its front p99 ms | home p99 ms | feed p99 ms |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for k, label in [("default-publishing", cache), ("big-publishing", big)]:
    d = pubs[k]; v = d["visible_p99_ms"]
    print(f"| --page-cache-mb {label} | {d['stories']} | {d['failures']} | {d['admin_p50_ms']} | {d['admin_p99_ms']} | {v['front']} | {v['home']} | {v['feed']} |")
print(f"<!-- newsroom-mix-{n}:end -->")
PY
cat "$TMP/section.md"
write_section "newsroom-mix-$N" "$(cat "$TMP/section.md")"
