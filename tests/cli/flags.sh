#!/bin/sh
# `dealboard flags` on the example pipeline: the flags the README promises for
# 2026-11-20, in order, and a table whose columns line up.
. "$(dirname "$0")/../lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
model() { python3 "$top/tests/cli/forecast_model.py" "$@"; }

repo="$TMP/example"
cp -R "$top/examples/pipeline" "$repo"
git -C "$repo" init -q && git -C "$repo" add -A && git -C "$repo" commit -qm "Example" ||
    { fail "example repository"; exit 1; }

db -C "$repo" flags --json > "$TMP/flags.json"
expect_eq "example flags match the model" same "$(model "$repo" flags "$TMP/flags.json")"
summary=$(python3 -c '
import json, sys
for d in json.load(open(sys.argv[1]))["deals"]:
    print(d["id"].rsplit("-", 1)[0].split("-")[0], d["score"], d["level"])
' "$TMP/flags.json" | tr '\n' '|')
expect_eq "example flags on 2026-11-20, highest score first" \
    "silva 9 move-on|vasa 7 move-on|grunwald 6 move-on|muller 5 move-on|adler 5 move-on|meridian 4 move-on|hartmann 3 watch|fjordline 3 watch|corvina 2 watch|rijnmond 2 watch|donau 2 watch|" \
    "$summary"
expect_not_contains "the snoozed deal is not flagged" "ostrava" "$(cat "$TMP/flags.json")"

expect_exit "flags prints a table" 0 db -C "$repo" flags
expect_contains "move on? line" "⚑  move on?  9  Silva Papel OEE benchmark  (silva-papel-oee-benchmark-ba4256, Evaluate)" "$OUT"
expect_contains "watch line, aligned with it" "!  watch     3  Hartmann Pharma batch release" "$OUT"
expect_contains "reasons under the deal" "              - 46 days in Evaluate, limit 30" "$OUT"
expect_exit "flags outside UTF-8" 0 env LC_ALL=C "$DEALBOARD" -C "$repo" flags
expect_contains "ASCII mark, same columns" "!! move on?  9  Silva Papel" "$OUT"

# Listing --flagged and flags agree on which deals are flagged.
a=$(db -C "$repo" flags --json | python3 -c 'import json,sys; print(sorted(d["id"] for d in json.load(sys.stdin)["deals"]))')
b=$(db -C "$repo" list --flagged --json | python3 -c 'import json,sys; print(sorted(d["id"] for d in json.load(sys.stdin)["deals"]))')
expect_eq "list --flagged has the same deals" "$a" "$b"

expect_exit "flags --bogus" 1 db -C "$repo" flags --bogus

# The example's forecast, as a cross-check of the model on hand-written data.
db -C "$repo" report --json > "$TMP/report.json"
expect_eq "example report matches the model" same "$(model "$repo" report "$TMP/report.json")"
db -C "$repo" report --json --since 2026-10-01 > "$TMP/since.json"
expect_eq "example report --since matches the model" same \
    "$(model "$repo" report "$TMP/since.json" 2026-10-01)"
