#!/usr/bin/env bash
# Uncached render time of every reader page kind on one data directory (a benchmark corpus from
# `newsdesk bench-corpus --articles N`): one `newsdesk bench-render` per kind, concrete paths taken
# from the data (an article 5,000 stories deep, a section's page 50, a rare tag, an author, date
# archives, feeds, sitemaps, the Content API's list). Prints one JSON line per kind.
#
#   bash bench/render-kinds.sh DATA_DIR [ITERATIONS] [NEWSDESK_BINARY]
set -euo pipefail
DATA=${1:?usage: bench/render-kinds.sh DATA_DIR [ITERATIONS] [BINARY]}
IT=${2:-20}
BIN=${3:-target/release/newsdesk}
DB=$DATA/newsdesk.db
q() { sqlite3 "$DB" "$1"; }
article=$(q "SELECT s.slug || '/' || a.slug FROM articles a JOIN sections s ON s.id = a.section_id
             WHERE a.state = 'published' ORDER BY a.published_at DESC LIMIT 1 OFFSET 5000")
section=$(q "SELECT slug FROM sections ORDER BY id LIMIT 1")
rare_tag=$(q "SELECT t.slug FROM tags t JOIN article_tags at ON at.tag_id = t.id GROUP BY t.id
              ORDER BY COUNT(*) LIMIT 1")
common_tag=$(q "SELECT t.slug FROM tags t JOIN article_tags at ON at.tag_id = t.id GROUP BY t.id ORDER BY COUNT(*) DESC LIMIT 1")
author=$(q "SELECT slug FROM authors ORDER BY id LIMIT 1")
year=$(q "SELECT strftime('%Y', MAX(published_at) / 1000000, 'unixepoch') FROM articles WHERE state = 'published'")
month=$(q "SELECT strftime('%m', MAX(published_at) / 1000000, 'unixepoch') FROM articles WHERE state = 'published'")
for kind in "article /$article" "home /" "section /$section" "section-page-50 /$section?page=50" \
            "tag-rare /tag/$rare_tag" "tag-common /tag/$common_tag" "author /author/$author" \
            "archive-year /archive/$year" "archive-month /archive/$year/$month" "feed-rss /feed.xml" \
            "feed-json-section /$section/feed.json" "sitemap-index /sitemap.xml" "sitemap-news /sitemaps/news.xml" \
            "sitemap-articles /sitemaps/articles-1.xml" "api-list /api/v1/articles" \
            "api-list-section /api/v1/articles?section=$section"; do
  name=${kind%% *}; path=${kind#* }
  line=$("$BIN" bench-render --data "$DATA" --iterations "$IT" --path "$path" 2>/dev/null | tail -n 1)
  printf '{"kind":"%s",%s\n' "$name" "${line#\{}"
done
