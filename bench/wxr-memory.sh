#!/usr/bin/env bash
# Migration memory: a generated WordPress export of N posts (default 100,000; text made up for the
# benchmark, a featured image on every tenth post, categories, tags and three authors), imported
# by the release binary into a fresh data directory; peak RSS from /usr/bin/time. The export is
# read as a stream in two passes, so memory should not grow with the number of posts.
# Writes the wxr-memory section of bench/RESULTS.md.
#
#   bash bench/wxr-memory.sh                # N=100000
# Env: BIN (skip the build), N.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
N=${N:-100000}
. "$HERE/lib.sh"
build_bin
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
python3 - "$N" "$TMP/export.xml" <<'PY'
import sys
n, out = int(sys.argv[1]), sys.argv[2]
cats = ["Local", "Business", "Sport", "Culture", "Science"]
with open(out, "w") as x:
    x.write('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel><title>Bench Gazette</title><link>https://gazette.example</link>'
            '<language>en-GB</language><wp:wxr_version>1.2</wp:wxr_version><wp:base_blog_url>https://gazette.example</wp:base_blog_url>\n')
    for a in ["ana", "bo", "cem"]:
        x.write(f'<wp:author><wp:author_login><![CDATA[{a}]]></wp:author_login><wp:author_display_name><![CDATA[{a.title()} Writer]]></wp:author_display_name></wp:author>\n')
    for c in cats:
        x.write(f'<wp:category><wp:category_nicename>{c.lower()}</wp:category_nicename><wp:cat_name><![CDATA[{c}]]></wp:cat_name></wp:category>\n')
    for i in range(n):
        pid = 2 * i + 10
        if i % 10 == 0:
            x.write(f'<item><title>Picture {i}</title><wp:post_id>{pid + 1}</wp:post_id><wp:post_parent>{pid}</wp:post_parent>'
                    f'<wp:post_type>attachment</wp:post_type><wp:attachment_url>https://gazette.example/uploads/{i}.jpg</wp:attachment_url>'
                    f'<excerpt:encoded><![CDATA[Caption of picture {i}]]></excerpt:encoded>'
                    f'<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key><wp:meta_value><![CDATA[Alt {i}]]></wp:meta_value></wp:postmeta></item>\n')
        body = "\n\n".join(f"Paragraph {j} of archive story {i}, about the town council, the harbour and the weekend market." for j in range(6))
        thumb = f'<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value><![CDATA[{pid + 1}]]></wp:meta_value></wp:postmeta>' if i % 10 == 0 else ""
        cat = cats[i % len(cats)]
        status = "draft" if i % 50 == 0 else "publish"
        x.write(f'<item><title>Archive story {i}</title><link>https://gazette.example/?p={pid}</link><dc:creator><![CDATA[{["ana","bo","cem"][i % 3]}]]></dc:creator>'
                f'<content:encoded><![CDATA[{body}]]></content:encoded><excerpt:encoded><![CDATA[]]></excerpt:encoded>'
                f'<wp:post_id>{pid}</wp:post_id><wp:post_date_gmt>20{10 + i % 15:02d}-0{1 + i % 9}-1{i % 10} 10:{i % 60:02d}:00</wp:post_date_gmt>'
                f'<wp:post_name>archive-story-{i}</wp:post_name><wp:status>{status}</wp:status><wp:post_type>post</wp:post_type>'
                f'<category domain="category" nicename="{cat.lower()}"><![CDATA[{cat}]]></category>'
                f'<category domain="post_tag" nicename="t{i % 200}"><![CDATA[Topic {i % 200}]]></category>{thumb}</item>\n')
    x.write("</channel></rss>\n")
PY
size=$(( $(stat -c %s "$TMP/export.xml") / 1024 / 1024 ))
rm -rf "$TMP/data"
/usr/bin/time -f '%e %M' -o "$TMP/time" "$BIN" import --data "$TMP/data" "$TMP/export.xml" >/dev/null 2>"$TMP/err"
read -r secs kb <"$TMP/time"
summary=$(grep '^imported:' "$TMP/err")
echo "$N posts ($size MB export) in ${secs}s, peak RSS $(( kb / 1024 )) MB: $summary"
peak=$(( kb / 1024 ))
verdict=$([ "$peak" -lt 200 ] && echo PASS || echo FAIL)
rate=$(python3 -c "print(round($N / $secs))")
section=$(cat <<MD
<!-- wxr-memory:begin -->
## Migration: peak memory importing a WordPress export (\`bench/wxr-memory.sh\`)

- Date: $(date -u '+%Y-%m-%d %H:%M UTC'); machine: $(nproc) CPUs; commit $(git -C "$REPO" rev-parse --short HEAD)
- A generated WXR 1.2 export of $N posts ($size MB: six paragraphs each, a featured image on every tenth post, 5 categories, 200 tags, 3 authors, every fiftieth a draft), imported by \`newsdesk import\` into a fresh data directory (read as a stream in two passes, posts stored up to 500 per durable transaction, a savepoint each).
- ${secs} s ($rate posts/s); \`$summary\`.
- Peak RSS **$peak MB**; target under 200 MB: **$verdict**.

Command: \`N=$N bash bench/wxr-memory.sh\`, which runs \`/usr/bin/time -f '%e %M' newsdesk import --data DIR export.xml\`.
<!-- wxr-memory:end -->
MD
)
write_section wxr-memory "$section"
echo "peak $peak MB ($verdict); wrote $REPO/bench/RESULTS.md"
