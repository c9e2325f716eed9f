# Shared by the benchmark scripts (sourced, not run).
# REPO must be set. Builds the release binary unless BIN is given, and sets BIN.
build_bin() {
  if [ -z "${BIN:-}" ]; then
    (cd "$REPO" && cargo build --release -p newsdesk)
    BIN="${CARGO_TARGET_DIR:-$REPO/target}/release/newsdesk"
  fi
}

# write_section NAME TEXT: puts TEXT (which starts with <!-- NAME:begin --> and ends with
# <!-- NAME:end -->) into bench/RESULTS.md, replacing the section of that name if there is one.
write_section() {
  python3 - "$REPO/bench/RESULTS.md" "$1" "$2" <<'PY'
import re, sys, pathlib
path, name, section = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3]
text = path.read_text() if path.exists() else "# newsdesk benchmark results\n"
pattern = re.compile(rf"<!-- {name}:begin -->.*?<!-- {name}:end -->", re.S)
text = pattern.sub(lambda _: section, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section + "\n"
path.write_text(text)
PY
}
