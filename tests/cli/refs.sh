# References and the first mover (SPEC §9): `ref ID ready|not-ready`, `ref ID
# asked FOR` on won deals only, `refs [ID] [--json]` (same cluster first,
# least asked first), and the reference in show, show --json and CSV.
. "$(dirname "$0")/../lib.sh"

R=$(new_repo) && [ -d "$R/.git" ] || { fail "new_repo" "no repository"; exit 1; }
ref_of() { field "$R" "$1" "$2"; }

# won WORDS CLUSTER: a won deal of the cluster ("" for none).
won() {
    id=$(db -C "$R" add "$1" --account "$1 GmbH") || return 1
    [ -z "$2" ] || db -C "$R" set "$id" cluster "$2" > /dev/null
    db -C "$R" won "$id" > /dev/null
    echo "$id"
}
W1=$(won "Alpha" spreadsheets)
W2=$(won "Bravo" paper)
W3=$(won "Charlie" " spreadsheets")
W4=$(won "Delta" spreadsheets)          # won, never marked ready
O=$(db -C "$R" add "Open one"); db -C "$R" set "$O" cluster spreadsheets > /dev/null
L=$(db -C "$R" add "Lost one"); db -C "$R" lost "$L" > /dev/null

count=$(commit_count "$R")
expect_exit "ref on an open deal is refused" 1 db -C "$R" ref "$O" ready
expect_eq "ref on an open deal: in words" "dealboard: $O is open, not won: only a won deal's customer can be a reference" "$ERR"
expect_exit "ref on a lost deal is refused" 1 db -C "$R" ref "$L" asked "$O"
expect_contains "ref on a lost deal: in words" "is lost, not won" "$ERR"
expect_eq "refused: no commit" "$count" "$(commit_count "$R")"
expect_eq "refused: no reference written" "false" "$(field "$R" "$O" '"reference" in d')"

expect_exit "ref ready exits 0" 0 db -C "$R" ref "$W1" ready
expect_eq "ref ready: says so" "Reference $W1: ready" "$OUT"
expect_eq "ref ready: one commit" $((count + 1)) "$(commit_count "$R")"
expect_eq "ref ready: commit message" "Reference $W1: ready" "$(last_message "$R")"
expect_eq "ref ready: the file" '{"ready": true, "asks": []}' "$(ref_of "$W1" 'd["reference"]')"

expect_exit "ref asked exits 0" 0 db -C "$R" ref "$W1" asked "$(printf '%s' "$O" | cut -c1-6)"
expect_eq "ref asked: says both changes" "Reference $W1: asked for $O (1 time)
Buyer of $O asked for references: $W1" "$OUT"
expect_eq "ref asked: the asking deal's log entry" '["references", "the buyer asked for references: '"$W1"'"]' \
    "$(field "$R" "$O" '[d["log"][-1][k] for k in ("kind", "text")]')"
expect_eq "ref asked: two commits, the last on the asking deal" "Buyer of $O asked for references: $W1" "$(last_message "$R")"
expect_eq "ref asked: the reference's commit before it" "Reference $W1: asked for $O (1 time)" \
    "$(git -C "$R" log -1 --format=%s HEAD~1)"
expect_not_contains "show: not in Evaluate, no first-mover line" "First mover" "$(db -C "$R" show "$O")"
db -C "$R" move "$O" evaluate --seen "they costed it" > /dev/null 2>&1 || db -C "$R" move "$O" evaluate > /dev/null
expect_contains "show: in Evaluate, a buyer who asked is not comfortable being first" \
    "First mover   not comfortable being first: the buyer asked for references (2026-11-20)" "$(db -C "$R" show "$O")"
expect_eq "ref asked: the ask (today, the whole id)" "[\"2026-11-20\", \"$O\"]" \
    "$(ref_of "$W1" '[d["reference"]["asks"][0][k] for k in ("at", "for")]')"
expect_eq "ref asked: its id is a and 6 hex digits" "true" \
    "$(ref_of "$W1" '__import__("re").fullmatch("a[0-9a-f]{6}", d["reference"]["asks"][0]["id"]) is not None')"
expect_eq "ref asked: ready kept" "true" "$(ref_of "$W1" 'd["reference"]["ready"]')"
assert_invariants "$R" "ref: §7 invariants"

count=$(commit_count "$R")
expect_exit "ref asked for itself is refused" 1 db -C "$R" ref "$W1" asked "$W1"
expect_contains "ref asked for itself: in words" "cannot be asked for as its own reference" "$ERR"
expect_exit "ref asked for an unknown deal is refused" 1 db -C "$R" ref "$W1" asked nosuchdeal
expect_exit "ref with an unknown verb" 1 db -C "$R" ref "$W1" maybe
expect_contains "ref with an unknown verb: what to say" "'ref ID ready', 'ref ID not-ready' or 'ref ID asked FOR-DEAL-ID'" "$ERR"
expect_exit "ref asked without the deal" 1 db -C "$R" ref "$W1" asked
expect_eq "refused: no commit" "$count" "$(commit_count "$R")"

db -C "$R" ref "$W2" ready > /dev/null
db -C "$R" ref "$W3" ready > /dev/null
db -C "$R" ref "$W4" not-ready > /dev/null
expect_eq "ref not-ready: the file" '{"ready": false, "asks": []}' "$(ref_of "$W4" 'd["reference"]')"
db -C "$R" ref "$W3" asked "$L" > /dev/null
db -C "$R" ref "$W3" asked "$O" > /dev/null
expect_eq "two asks: both kept" 2 "$(ref_of "$W3" 'len(d["reference"]["asks"])')"

# Ready: W1 (1 ask), W2 (0), W3 (2); W4 is not ready.
expect_exit "refs exits 0" 0 db -C "$R" refs
expect_eq "refs: the ready ones, least asked first" "$W2 $W1 $W3" \
    "$(printf '%s\n' "$OUT" | sed -n 's/^[* ] \([^ ]*\) .*/\1/p' | tr '\n' ' ' | sed 's/ $//')"
expect_not_contains "refs: not the one not ready" "$W4" "$OUT"
expect_contains "refs: a line" "  $W1  Alpha (Alpha GmbH); cluster spreadsheets; asked 1 time, last 2026-11-20" "$OUT"
expect_contains "refs: never asked" "  $W2  Bravo (Bravo GmbH); cluster paper; never asked" "$OUT"

# For O (spreadsheets): its cluster first (W1 before W3: fewer asks), then W2.
expect_exit "refs ID exits 0" 0 db -C "$R" refs "$O"
expect_eq "refs ID: same cluster first, then least asked" "$W1 $W3 $W2" \
    "$(printf '%s\n' "$OUT" | sed -n 's/^[* ] \([^ ]*\) .*/\1/p' | tr '\n' ' ' | sed 's/ $//')"
expect_contains "refs ID: the same cluster is marked" "* $W3  Charlie" "$OUT"
expect_contains "refs ID: says for which deal" "References for $O (cluster spreadsheets)" "$OUT"

expect_exit "refs ID --json exits 0" 0 db -C "$R" refs "$O" --json
expect_eq "refs --json: the figures" \
    "[\"$O\", \"spreadsheets\", [[\"$W1\", \"spreadsheets\", true, 1, \"2026-11-20\"], [\"$W3\", \"spreadsheets\", true, 2, \"2026-11-20\"], [\"$W2\", \"paper\", false, 0, null]]]" \
    "$(printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(json.dumps([d["for"], d["cluster"], [[r["id"], r["cluster"], r["same_cluster"], r["asks"], r["last_asked"]] for r in d["references"]]]))')"
expect_exit "refs for an unknown deal" 1 db -C "$R" refs nosuchdeal

# show, show --json, CSV.
expect_exit "show a reference" 0 db -C "$R" show "$W3"
expect_contains "show: the reference" "Reference     ready; asked 2 times" "$OUT"
expect_contains "show: an ask" "  2026-11-20  for $L" "$OUT"
expect_contains "show: the other ask (same day: in id order)" "  2026-11-20  for $O" "$OUT"
expect_contains "show --json: the reference" '"reference": {
    "ready": true,' "$(db -C "$R" show "$W3" --json)"
expect_contains "export: a reference column" ",reference," "$(db -C "$R" export --csv | head -1),"
db -C "$R" export --csv > "$TMP/all.csv"
cell=$(python3 -c '
import csv, sys
rows = {r["id"]: r for r in csv.DictReader(open(sys.argv[1], newline=""))}
print(rows[sys.argv[2]]["reference"])' "$TMP/all.csv" "$W1")
ask=$(ref_of "$W1" 'd["reference"]["asks"][0]["id"]')
expect_eq "export: the reference cell" "ready
$ask;2026-11-20;$O" "$cell"

# The CSV reads back: a fresh repository gets the same references.
I=$(new_repo imported)
expect_exit "import the export" 0 db -C "$I" import "$TMP/all.csv"
expect_eq "import: the reference read back" "$(ref_of "$W3" 'd["reference"]')" \
    "$(field "$I" "$W3" 'd["reference"]')"
db -C "$I" export --csv > "$TMP/again.csv"
expect_eq "CSV round trip byte-identical" "$(cat "$TMP/all.csv")" "$(cat "$TMP/again.csv")"
printf 'id,title,stage,reference\nbad-ref-000001,Bad,define,maybe\n' > "$TMP/bad.csv"
expect_exit "import: a bad reference cell is refused" 1 db -C "$I" import "$TMP/bad.csv"
expect_contains "import: says what the cell should be" "expected ready or not-ready" "$ERR"

# The evaluation stage is the one pipeline.json marks "evaluation": true (here
# Explore): a buyer there who asked is not comfortable being first; one in
# Evaluate is not, then. Two stages marked are refused in words.
E=$(new_repo evaluation)
python3 - "$E/pipeline.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for s in d["stages"]:
    if s["id"] == "explore":
        s["evaluation"] = True
json.dump(d, open(sys.argv[1], "w"), indent=2)
PY
git -C "$E" commit -qam "Explore is where our buyers evaluate"
EX=$(db -C "$E" add "Explorer" --stage explore)
EV=$(db -C "$E" add "Evaluator" --stage evaluate)
EW=$(db -C "$E" add "Customer" --stage decide)
db -C "$E" won "$EW" > /dev/null
db -C "$E" ref "$EW" asked "$EX" > /dev/null
db -C "$E" ref "$EW" asked "$EV" > /dev/null
expect_contains "evaluation: true on Explore: the buyer there is not first" \
    "First mover   not comfortable being first" "$(db -C "$E" show "$EX")"
expect_not_contains "…and the one in Evaluate is not marked" "First mover" "$(db -C "$E" show "$EV")"
python3 - "$E/pipeline.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for s in d["stages"]:
    if s["id"] == "evaluate":
        s["evaluation"] = True
json.dump(d, open(sys.argv[1], "w"), indent=2)
PY
expect_exit "two stages marked evaluation: doctor refuses" 1 db -C "$E" doctor
expect_contains "…saying to mark one" "mark one stage only" "$ERR"
