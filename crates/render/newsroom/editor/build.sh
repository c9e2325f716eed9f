#!/usr/bin/env bash
# Builds the story editor's bundle, ../editor.js, from src/ and the packages pinned in
# package-lock.json, and ../editor.js.LICENSES from those packages' own licence files. The bundle
# is committed; CI runs this again and fails if the output differs (scripts/test).
#
#   bash crates/render/newsroom/editor/build.sh [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")"
out=${1:-..}
[ -d node_modules ] || npm ci --no-audit --no-fund --ignore-scripts
npx --no-install esbuild src/index.js --bundle --format=iife --target=es2020 --minify \
  --legal-comments=none --charset=utf8 --log-level=warning --outfile="$out/editor.js"
{
  echo "The newsroom's story editor (editor.js) bundles these packages from the npm registry,"
  echo "each under the licence below (versions from package-lock.json)."
  for pkg in $(node -e 'const l = require("./package-lock.json"); for (const [p, v] of Object.entries(l.packages)) if (p && !v.dev) console.log(p.replace("node_modules/", ""));' | sort); do
    version=$(node -p "require('./node_modules/$pkg/package.json').version")
    echo
    echo "== $pkg $version"
    cat "node_modules/$pkg/LICENSE"* 
  done
} > "$out/editor.js.LICENSES"
