#!/usr/bin/env bash
# Wire ingest throughput: N generated items in each wire format (ninjs 3: one JSON array;
# NewsML-G2: one newsMessage of newsItems with NITF bodies; NITF 3.6: one file per story, as agencies
# send it; NewsML 1.2: one NewsML document of NewsItems with NITF text; all written here, text made
# up for the benchmark) imported into a fresh data directory by the release binary: format detection,
# parsing (and for ninjs the conformance check), HTML sanitizing, routing, and storage (up to 500 items
# per durable transaction, a savepoint each so one bad item spoils no other; WAL +
# synchronous=FULL). Writes the ingest-throughput section of
# bench/RESULTS.md.
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
mkdir -p "$TMP/nitf"
python3 - "$N" "$TMP/items.json" "$TMP/items.xml" "$TMP/nitf" "$TMP/newsml1.xml" <<'PY'
import json, sys
n, out_json, out_xml, nitf_dir, out_newsml1 = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
def paras(i):
    return [f"Paragraph {j} of bench story {i}: harbour cranes, shipping lanes and a pay deal." for j in range(8)]
items = []
for i in range(n):
    items.append({"uri": f"urn:newsdesk:bench:{i}", "type": "text", "version": "1",
                  "versionCreated": f"2026-03-02T08:{i // 60 % 60:02d}:{i % 60:02d}Z", "language": "en",
                  "headlines": [{"role": "main", "value": f"Bench story {i} about harbour cranes"}],
                  "bodies": [{"role": "main", "contentType": "text/html", "value": "".join(f"<p>{p}</p>" for p in paras(i))}],
                  "by": "By Sami Farouk", "subjects": [{"name": "labour"}, {"name": "shipping"}]})
json.dump(items, open(out_json, "w"))
with open(out_xml, "w") as x:
    x.write('<?xml version="1.0" encoding="UTF-8"?>\n<newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/"><header><sent>2026-03-02T08:00:00Z</sent></header><itemSet>\n')
    for i in range(n):
        body = "".join(f"<p>{p}</p>" for p in paras(i))
        x.write(f'<newsItem guid="urn:newsdesk:bench:g2:{i}" version="1" standard="NewsML-G2" standardversion="2.35" xml:lang="en">'
                f'<itemMeta><itemClass qcode="ninat:text"/><provider qcode="nprov:NDW"/><versionCreated>2026-03-02T08:{i // 60 % 60:02d}:{i % 60:02d}Z</versionCreated><pubStatus qcode="stat:usable"/></itemMeta>'
                f'<contentMeta><creator><name>Sami Farouk</name></creator><subject qcode="medtop:20000209"><name>labour</name></subject><headline>Bench story {i} about harbour cranes</headline></contentMeta>'
                f'<contentSet><inlineXML contenttype="application/nitf+xml"><nitf xmlns="http://iptc.org/std/NITF/2006-10-18/"><body><body.content>{body}</body.content></body></nitf></inlineXML></contentSet></newsItem>\n')
    x.write("</itemSet></newsMessage>\n")
def nitf(i, ns=True):
    body = "".join(f"<p>{p}</p>" for p in paras(i))
    xmlns = ' xmlns="http://iptc.org/std/NITF/2006-10-18/"' if ns else ""
    return (f'<nitf{xmlns}><head><docdata management-status="usable"><doc-id regsrc="NDW" id-string="bench-{i}"/>'
            f'<du-key key="bench-nitf-{i}" version="1"/><date.issue norm="20260302T08{i // 60 % 60:02d}{i % 60:02d}Z"/></docdata></head>'
            f'<body><body.head><hedline><hl1>Bench story {i} about harbour cranes</hl1></hedline><byline>By Sami Farouk</byline></body.head>'
            f'<body.content>{body}</body.content></body></nitf>')
for i in range(n):
    with open(f"{nitf_dir}/{i:06d}.xml", "w") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE nitf SYSTEM "nitf-3-6.dtd">\n' + nitf(i) + "\n")
with open(out_newsml1, "w") as x:
    x.write('<?xml version="1.0" encoding="UTF-8"?>\n<NewsML Version="1.2"><NewsEnvelope><DateAndTime>20260302T080000Z</DateAndTime></NewsEnvelope>\n')
    for i in range(n):
        x.write(f'<NewsItem><Identification><NewsIdentifier><ProviderId>bench.example</ProviderId><DateId>20260302</DateId>'
                f'<NewsItemId>B{i}</NewsItemId><RevisionId>1</RevisionId></NewsIdentifier></Identification>'
                f'<NewsManagement><NewsItemType FormalName="News"/><FirstCreated>20260302T080000Z</FirstCreated><Status FormalName="Usable"/></NewsManagement>'
                f'<NewsComponent><NewsLines><HeadLine>Bench story {i} about harbour cranes (NewsML)</HeadLine><ByLine>By Sami Farouk</ByLine></NewsLines>'
                f'<NewsComponent><ContentItem><MediaType FormalName="Text"/><Format FormalName="NITF"/><DataContent>{nitf(i, ns=False)}</DataContent></ContentItem></NewsComponent>'
                f'</NewsComponent></NewsItem>\n')
    x.write("</NewsML>\n")
PY
# run FORMAT FILE: REPEATS imports into fresh data directories; sets MEDIAN and PEAK, and RUNS.
run() {
  local rates=() rss=()
  for r in $(seq "$REPEATS"); do
    rm -rf "$TMP/data"
    /usr/bin/time -f '%e %M' -o "$TMP/time" "$BIN" import --data "$TMP/data" "${@:2}" >/dev/null 2>"$TMP/err"
    read -r secs kb <"$TMP/time"
    grep -q "$N imported, 0 updated, 0 duplicate, 0 skipped, 0 failed" "$TMP/err" || { cat "$TMP/err"; exit 1; }
    local rate
    rate=$(python3 -c "print(round($N / $secs))")
    echo "$1 run $r: $N items in ${secs}s = $rate items/s, peak RSS ${kb} KB"
    rates+=("$rate"); rss+=("$kb")
  done
  RUNS="${rates[*]}"
  MEDIAN=$(printf '%s\n' "${rates[@]}" | sort -n | sed -n "$(( (REPEATS + 1) / 2 ))p")
  PEAK=$(( $(printf '%s\n' "${rss[@]}" | sort -n | tail -n 1) / 1024 ))
}
run ninjs "$TMP/items.json"
NINJS_RUNS=$RUNS; NINJS=$MEDIAN; NINJS_PEAK=$PEAK
run newsml-g2 "$TMP/items.xml"
G2_RUNS=$RUNS; G2=$MEDIAN; G2_PEAK=$PEAK
run nitf "$TMP"/nitf/*.xml
NITF_RUNS=$RUNS; NITF=$MEDIAN; NITF_PEAK=$PEAK
run newsml-1.2 "$TMP/newsml1.xml"
N1_RUNS=$RUNS; N1=$MEDIAN; N1_PEAK=$PEAK
verdict() { [ "$1" -ge 2000 ] && echo PASS || echo FAIL; }
section=$(cat <<MD
<!-- ingest-throughput:begin -->
## Wire ingest: items per second (\`bench/ingest-throughput.sh\`)

- Date: $(date -u '+%Y-%m-%d %H:%M UTC'); machine: $(nproc) CPUs; commit $(git -C "$REPO" rev-parse --short HEAD)
- $N generated text items (8 HTML paragraphs each) per format in one file, imported by \`newsdesk import\` into a fresh data directory: detect, parse (ninjs: the conformance check too), sanitize (ammonia), route, store (up to 500 items per durable transaction, a savepoint each; WAL + synchronous=FULL).

| format | runs (items/s) | median | peak RSS | target ≥ 2,000 items/s |
| --- | --- | --- | --- | --- |
| ninjs 3 (one JSON array) | $NINJS_RUNS | **$NINJS items/s** | $NINJS_PEAK MB | $(verdict "$NINJS") |
| NewsML-G2 (one newsMessage, NITF bodies) | $G2_RUNS | **$G2 items/s** | $G2_PEAK MB | $(verdict "$G2") |
| NITF 3.6 (one file per story, DOCTYPE) | $NITF_RUNS | **$NITF items/s** | $NITF_PEAK MB | $(verdict "$NITF") |
| NewsML 1.2 (one NewsML, NITF text components) | $N1_RUNS | **$N1 items/s** | $N1_PEAK MB | $(verdict "$N1") |

Command: \`N=$N REPEATS=$REPEATS bash bench/ingest-throughput.sh\`, which runs \`/usr/bin/time -f '%e %M' newsdesk import --data DIR FILE\` for each file.
<!-- ingest-throughput:end -->
MD
)
write_section ingest-throughput "$section"
echo "ninjs $NINJS items/s, NewsML-G2 $G2 items/s, NITF $NITF items/s, NewsML 1.2 $N1 items/s; wrote $REPO/bench/RESULTS.md"
