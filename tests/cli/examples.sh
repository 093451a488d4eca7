# The example pipeline (examples/pipeline): loads clean, and its flags on
# 2026-11-20 (its newest activity) are the ones its author computed.
. "$(dirname "$0")/../lib.sh"

EX=$TOP/examples/pipeline
R=$TMP/example
mkdir -p "$R"
cp -R "$EX/." "$R/"
git init -q "$R"
git -C "$R" add -A
git -C "$R" commit -qm "Example pipeline"

expect_exit "doctor on the examples exits 0" 0 db -C "$R" doctor
expect_eq "doctor: 35 deals, no problems" "35 deals ok, 0 broken, 0 in an unknown stage" "$OUT"
expect_eq "doctor: nothing on stderr" "" "$ERR"
expect_exit "list on the examples" 0 db -C "$R" list
expect_eq "list: nothing on stderr" "" "$ERR"
expect_eq "list --json: 23 open deals" 23 "$(db -C "$R" list --json | pyjson 'len(d["deals"])')"
expect_eq "list --all --json: 35 deals" 35 "$(db -C "$R" list --all --json | pyjson 'len(d["deals"])')"
expect_eq "list --all --json: closed deals by status" '{"moved-on": 4, "won": 5, "lost": 3}' \
    "$(db -C "$R" list --all --json | pyjson '{s: sum(x["status"] == s for x in d["deals"]) for s in ("moved-on", "won", "lost")}')"

# Every example deal shows, as text and as JSON.
bad=""
for f in "$R"/deals/*/*.json; do
    id=$(basename "$f" .json)
    db -C "$R" show "$id" > /dev/null 2>&1 || bad="$bad $id"
    db -C "$R" show "$id" --json 2>/dev/null | pyjson 'd["id"]' > /dev/null 2>&1 || bad="$bad $id(json)"
done
expect_eq "show works for every example deal" "" "$bad"

# ---- flags as of 2026-11-20 ----
EXPECTED='silva-papel 9 move-on
vasa-sparbank 7 move-on
grunwald-kliniken 6 move-on
muller-logistik 5 move-on
adler-versicherung 5 move-on
meridian-hotels 4 move-on
hartmann-pharma 3 watch
fjordline-telecom 3 watch
corvina 2 watch
rijnmond 2 watch
donau-chemie 2 watch'
# flags_of: "<id prefix> <score> <level>" lines, in the order flags --json gives them.
flags_of() {
    python3 -c 'import json, sys
prefixes = [l.split()[0] for l in sys.argv[1].splitlines()]
for x in json.load(sys.stdin)["deals"]:
    p = [p for p in prefixes if x["id"].startswith(p + "-")]
    print(p[0] if p else x["id"], x["score"], x["level"])' "$EXPECTED"
}
expect_exit "flags --json on the examples" 0 db -C "$R" flags --json
FLAGS=$OUT
expect_eq "flags --json: the expected deals, scores and levels, highest first" "$EXPECTED" "$(printf '%s' "$FLAGS" | flags_of)"
expect_eq "flags --json: today" "2026-11-20" "$(printf '%s' "$FLAGS" | pyjson 'd["today"]')"
expect_not_contains "flags: the snoozed ostrava-steel is not flagged" "ostrava-steel" "$FLAGS"
expect_eq "flags --json: every flagged deal is open" '["open"]' "$(printf '%s' "$FLAGS" | pyjson 'sorted(set(x["status"] for x in d["deals"]))')"
expect_eq "flags --json: scores are the sums of the reasons' weights" "ok" "$(printf '%s' "$FLAGS" | python3 -c '
import json, sys
w = {"stalled": 2, "quiet": 2, "back-burner": 2, "past-close": 2, "no-next-step": 1, "overdue-step": 1, "no-why-change": 1, "buyer-step-overdue": 1, "no-buyer-step": 1}
bad = [x["id"] for x in json.load(sys.stdin)["deals"] if sum(w[r["rule"]] for r in x["reasons"]) != x["score"]]
print("ok" if not bad else bad)')"
expect_eq "flags: silva-papel's reasons in words" \
    '["46 days in Evaluate, limit 30", "no touch for 22 days, limit 14", "close date pushed 2 times", "close date 2026-11-13 passed 7 days ago", "no next step"]' \
    "$(printf '%s' "$FLAGS" | pyjson '[r["text"] for r in d["deals"][0]["reasons"]]')"
# Two deals carry a shared plan; the example turns buyer-step-overdue on.
expect_eq "two example deals have a plan" "kronberg-automotive-finance-hub-2c4f5e tagus-telecom-bi-consolidation-0cff5d" \
    "$(db -C "$R" export --json | pyjson '" ".join(sorted(x["id"] for x in d["deals"] if x.get("plan")))')"
expect_exit "plan on an example deal" 0 db -C "$R" plan kronberg
expect_contains "kronberg's plan: the buyer's overdue step" \
    "2  p91c3d8  buyer  [ ]  Procurement returns the legal redlines  (due 2026-11-17)" "$OUT"
expect_eq "kronberg: buyer step overdue (score 1, not flagged)" '[1, ["buyer step overdue by 3 days"]]' \
    "$(db -C "$R" show kronberg --json | pyjson '[d["score"], [r["text"] for r in d["reasons"]]]')"
# Exit outcomes on every stage; two deals carry exit evidence (the rule stays off).
expect_eq "every example stage lists exit outcomes" "[2, 2, 3, 2, 3, 2]" \
    "$(pyjson '[len(s["exit"]) for s in d["stages"]]' < "$R/pipeline.json")"
expect_eq "two example deals have exit evidence" "cerulean-bank-esg-data-ba0128 tagus-telecom-bi-consolidation-0cff5d" \
    "$(db -C "$R" export --json | pyjson '" ".join(sorted(x["id"] for x in d["deals"] if x.get("evidence")))')"
expect_exit "show tagus" 0 db -C "$R" show tagus
expect_contains "tagus: its evidence, in the buyer's words" "  Explore done, 2026-10-28
    - Three BI stacks to one: their CIO's words in the steering committee" "$OUT"
# Three deals carry their buying committee (the committee rules stay off).
expect_eq "three example deals have people" "kronberg-automotive-finance-hub-2c4f5e rijnmond-port-platform-tender-dd7d3d tagus-telecom-bi-consolidation-0cff5d" \
    "$(db -C "$R" export --json | pyjson '" ".join(sorted(x["id"] for x in d["deals"] if x.get("people")))')"
expect_exit "person on an example deal" 0 db -C "$R" person kronberg
expect_contains "kronberg's committee, in name order" "  1  h4e1a07  Jonas Weber  champion  (wants the close before year end; last contact 2026-11-09)
  2  h9c2b31  Katrin Vogel  decision-maker" "$OUT"
# Rijnmond, in Evaluate, asked for references: not comfortable being first;
# Castell Media (won, ready, the same cluster) is offered first.
expect_exit "show rijnmond" 0 db -C "$R" show rijnmond
expect_contains "rijnmond: not comfortable being first" \
    "First mover   not comfortable being first: the buyer asked for references (2026-11-12)" "$OUT"
expect_exit "refs rijnmond" 0 db -C "$R" refs rijnmond
expect_eq "refs rijnmond: castell-media first (same cluster)" "* castell-media-audience-data-626667" \
    "$(printf '%s\n' "$OUT" | grep -m1 '^[*] ' | cut -d' ' -f1,2)"
ostrava=$(db -C "$R" list | grep '^ostrava-steel')
expect_contains "list marks ostrava-steel snoozed" "snoozed" "$ostrava"
expect_eq "list --flagged: the same 11 deals" 11 "$(db -C "$R" list --flagged --json | pyjson 'len(d["deals"])')"
expect_exit "flags (text) on the examples" 0 db -C "$R" flags
expect_eq "flags (text): one headline per flagged deal" 11 "$(printf '%s\n' "$OUT" | grep -c '^[^ ]')"
check "reading changed nothing" is_clean "$R"

# ---- an edit rewrites only what changed (git diff reads like a change log) ----
expect_exit "touch an example deal" 0 db -C "$R" touch silva "Call with the plant manager"
expect_eq "the touch changed one file" 1 "$(git -C "$R" diff --numstat HEAD~1 | wc -l)"
expect_eq "the diff is small: last_touch and one log entry (with its \"dir\")" "9 1" \
    "$(git -C "$R" diff --numstat HEAD~1 | cut -f1,2 | tr '\t' ' ')"
expect_eq "the touch clears silva-papel's quiet reason (9 -> 7)" \
    '[7, "move-on"]' "$(db -C "$R" flags --json | pyjson '[[x["score"], x["level"]] for x in d["deals"] if x["id"].startswith("silva-papel-")][0]')"

# ---- demo: a fresh repository with the dates shifted to today ----
mkdir -p "$TMP/demo-same" "$TMP/demo-later"
expect_exit "demo exits 0" 0 env TMPDIR="$TMP/demo-same" DEALBOARD_EXAMPLES="$EX" "$DEALBOARD" demo
D=$(printf '%s\n' "$ERR" | sed -n 's/^dealboard: demo pipeline in //p')
check "demo says where its pipeline is" test -f "$D/pipeline.json"
expect_eq "demo: one commit" 1 "$(commit_count "$D")"
check "demo: git status clean" is_clean "$D"
expect_eq "demo on the examples' own day: deal files identical to the examples" "" \
    "$(diff -r -x .git "$EX" "$D" 2>&1)"
expect_exit "demo: doctor clean" 0 db -C "$D" doctor

expect_exit "demo 20 days later exits 0" 0 env TMPDIR="$TMP/demo-later" DEALBOARD_TODAY=2026-12-10 DEALBOARD_EXAMPLES="$EX" "$DEALBOARD" demo
D2=$(printf '%s\n' "$ERR" | sed -n 's/^dealboard: demo pipeline in //p')
expect_eq "demo 20 days later: the same flags as the examples on their day" "$EXPECTED" \
    "$(DEALBOARD_TODAY=2026-12-10 db -C "$D2" flags --json | flags_of)"
expect_eq "demo 20 days later: dates shifted by 20 days" "2026-12-03" \
    "$(pyjson 'd["close_date"]' < "$(ls "$D2"/deals/*/silva-papel-*.json)")"

# The buyer's journey moves with the calendar too: the committee's contacts,
# the plan's dates and the references' asks (else the demo ages: champions
# fall silent, buyer steps fall overdue).
expect_eq "demo 20 days later: a person's last contact shifted by 20 days" "2026-12-02" \
    "$(pyjson '[p["last_contact"] for p in d["people"] if p["name"] == "Pieter Jansen"][0]' < "$(ls "$D2"/deals/*/rijnmond-port-*.json)")"
expect_eq "demo 20 days later: plan due and done shifted by 20 days" "2026-11-30 2026-11-29" \
    "$(pyjson '" ".join([d["plan"][0]["due"], d["plan"][0]["done"]])' < "$(ls "$D2"/deals/*/kronberg-*.json)")"
expect_eq "demo 20 days later: a reference's ask shifted by 20 days" "2026-12-02" \
    "$(pyjson 'd["reference"]["asks"][0]["at"]' < "$(ls "$D2"/deals/*/castell-media-*.json)")"
expect_exit "demo 20 days later: show rijnmond" 0 env DEALBOARD_TODAY=2026-12-10 "$DEALBOARD" -C "$D2" show rijnmond
expect_contains "demo 20 days later: rijnmond not comfortable being first, asked 8 days before" \
    "asked for references (2026-12-02)" "$OUT"
# On the real today, whatever it is: Pieter's last contact is 8 days ago, as on
# the examples' own day (2026-11-12, newest activity 2026-11-20).
mkdir -p "$TMP/demo-today"
expect_exit "demo today exits 0" 0 env -u DEALBOARD_TODAY TMPDIR="$TMP/demo-today" DEALBOARD_EXAMPLES="$EX" "$DEALBOARD" demo
D3=$(printf '%s\n' "$ERR" | sed -n 's/^dealboard: demo pipeline in //p')
expect_eq "demo today: Pieter's last contact is 8 days before today" \
    "$(python3 -c 'import datetime; print(datetime.date.today() - datetime.timedelta(days=8))')" \
    "$(pyjson '[p["last_contact"] for p in d["people"] if p["name"] == "Pieter Jansen"][0]' < "$(ls "$D3"/deals/*/rijnmond-port-*.json)")"

# ---- the board's column sums: one currency each ----
# Recognize holds two EUR deals (120,000 + 75,000), one in GBP and one in CHF:
# its header sums the EUR ones and marks the others with "+".
printf 'screen %s\n' "$TMP/ex-board.txt" > "$TMP/ex-board.script"
DEALBOARD_SCRIPT="$TMP/ex-board.script" DEALBOARD_SCRIPT_SIZE=160x30 db -C "$R" board
expect_contains "board: Recognize sums its EUR deals, + marks the others" "Recognize       4 · 195k+" \
    "$(sed -n 1p "$TMP/ex-board.txt")"
expect_contains "board: Define has none in other currencies" "Define           5 · 700k " \
    "$(sed -n 1p "$TMP/ex-board.txt")"
expect_contains "board: the totals line says other currencies are left out" "(+ other currencies)" \
    "$(cat "$TMP/ex-board.txt")"
