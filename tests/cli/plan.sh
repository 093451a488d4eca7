# dealboard plan: the shared plan (SPEC §9). Each change is one commit with a
# message in words and leaves git status clean; bad input says what to do and
# changes nothing; the plan goes through CSV export/import byte for byte.
. "$(dirname "$0")/../lib.sh"

R=$(new_repo)
db -C "$R" add "Acme rollout" --stage define > "$TMP/id" || exit 1
A=$(cat "$TMP/id")

# changed DESC MESSAGE CMD…: one commit with MESSAGE, printed, status clean.
changed() {
    _cdesc=$1 _cmsg=$2; shift 2
    _ccount=$(commit_count "$R")
    expect_exit "$_cdesc: exits 0" 0 "$@"
    expect_eq "$_cdesc: one commit" $((_ccount + 1)) "$(commit_count "$R")"
    expect_eq "$_cdesc: commit message" "$_cmsg" "$(last_message "$R")"
    expect_eq "$_cdesc: prints what happened" "$_cmsg" "$OUT"
    assert_invariants "$R" "$_cdesc: git status clean, index = HEAD"
}
step() { field "$R" "$A" "d['plan'][$1]['$2']"; }

# ---- an empty plan ----
expect_exit "plan ID on a deal without a plan" 0 db -C "$R" plan "$A"
expect_contains "says how to add a step" "No plan yet: 'dealboard plan $A add TEXT" "$OUT"
expect_eq "no plan key in a file without a plan" "false" "$(field "$R" "$A" "'plan' in d")"

# ---- add ----
count=$(commit_count "$R")
expect_exit "add a buyer step with a due date" 0 \
    db -C "$R" plan "$A" add "Security review; IT" --due 2026-11-25
S1=$(step 0 id)
MSG="Plan for $A: added buyer step $S1 \"Security review; IT\" (due 2026-11-25)"
expect_eq "add: one commit" $((count + 1)) "$(commit_count "$R")"
expect_eq "add: commit message" "$MSG" "$(last_message "$R")"
expect_eq "add: prints what happened" "$MSG" "$OUT"
assert_invariants "$R" "add: git status clean, index = HEAD"
case "$S1" in p[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]) ok "step id is p + 6 hex" ;;
    *) fail "step id is p + 6 hex" "$S1" ;; esac
expect_eq "the step as stored" \
    "{\"id\": \"$S1\", \"owner\": \"buyer\", \"text\": \"Security review; IT\", \"due\": \"2026-11-25\", \"done\": null, \"evidence\": \"\"}" \
    "$(field "$R" "$A" "d['plan'][0]")"
expect_exit "add an undated step of ours" 0 db -C "$R" plan "$A" add "Send the proposal" --us
S2=$(step 1 id)
expect_eq "ours: owner us, last (no date)" "us Send the proposal" "$(step 1 owner) $(step 1 text)"
expect_exit "add an earlier buyer step" 0 db -C "$R" plan "$A" add "CFO signs" --buyer --due +2
expect_eq "steps in due-date order, undated last" "CFO signs|Security review; IT|Send the proposal" \
    "$(field "$R" "$A" "'|'.join(s['text'] for s in d['plan'])")"
S0=$(step 0 id)

# ---- list ----
expect_exit "plan ID lists the plan" 0 db -C "$R" plan "$A"
expect_eq "listed, numbered" "  1  $S0  buyer  [ ]  CFO signs  (due 2026-11-22)
  2  $S1  buyer  [ ]  Security review; IT  (due 2026-11-25)
  3  $S2  us     [ ]  Send the proposal" "$OUT"

# ---- done ----
changed "done by number, with evidence" \
    "Plan for $A: done buyer step $S1 \"Security review; IT\" (due 2026-11-25): IT signed off" \
    db -C "$R" plan "$A" done 2 --evidence "IT signed off"
expect_eq "done today, evidence kept" "2026-11-20 IT signed off" "$(step 1 done) $(step 1 evidence)"
changed "done by id prefix" "Plan for $A: done buyer step $S0 \"CFO signs\" (due 2026-11-22)" \
    db -C "$R" plan "$A" done "$(printf '%s' "$S0" | cut -c1-5)"
expect_exit "show lists the plan" 0 db -C "$R" show "$A"
expect_contains "show: Plan section" "Plan
  1  $S0  buyer  [x]  CFO signs  (due 2026-11-22; done 2026-11-20)" "$OUT"
expect_exit "show --json" 0 db -C "$R" show "$A" --json
expect_eq "show --json carries the plan" "$S1 IT signed off" \
    "$(printf '%s' "$OUT" | pyjson "d['plan'][1]['id'] + ' ' + d['plan'][1]['evidence']")"
expect_eq "each change is logged" "plan" "$(field "$R" "$A" "d['log'][-1]['kind']")"

# ---- due: a step dated, re-dated, undated; it moves to its place ----
changed "due: an undated step gets a date" \
    "Plan for $A: dated us step $S2 \"Send the proposal\" (due 2026-11-21), was undated" \
    db -C "$R" plan "$A" due 3 2026-11-21
expect_eq "due: the step moves to its place in the order" "$S2 2026-11-21" "$(step 0 id) $(step 0 due)"
changed "due without a date: undated again" \
    "Plan for $A: undated us step $S2 \"Send the proposal\", was 2026-11-21" \
    db -C "$R" plan "$A" due 1
expect_eq "undated: last again" "$S2 null" "$(step 2 id) $(step 2 due)"
rejects "due: the date it has" "$R" 1 "due 2026-11-22 already: nothing to change" \
    db -C "$R" plan "$A" due 1 2026-11-22
rejects "due: a bad date" "$R" 1 "plan due: '2026-13-01' is not a date" \
    db -C "$R" plan "$A" due 1 2026-13-01
rejects "done with two steps" "$R" 1 "plan done: one step only" db -C "$R" plan "$A" done 1 2

# ---- bad input ----
rejects "done twice" "$R" 1 "done on 2026-11-20 already" db -C "$R" plan "$A" done 1
rejects "no such number" "$R" 1 "the plan has steps 1 to 3" db -C "$R" plan "$A" done 7
rejects "no such id" "$R" 1 "no such step; name it by its number or id" db -C "$R" plan "$A" rm pzzz
rejects "an ambiguous prefix" "$R" 1 "type more of it or its number" db -C "$R" plan "$A" rm p
rejects "unknown action" "$R" 1 "use add TEXT, done STEP, due STEP [DATE] or rm STEP" db -C "$R" plan "$A" tick 1
rejects "add without text" "$R" 1 "needs the step's text" db -C "$R" plan "$A" add
rejects "blank text" "$R" 1 "must not be empty" db -C "$R" plan "$A" add "   "
rejects "--buyer and --us" "$R" 1 "a step is the buyer's or ours" \
    db -C "$R" plan "$A" add "X" --buyer --us
rejects "--evidence with rm" "$R" 1 "--evidence goes with done STEP" \
    db -C "$R" plan "$A" rm 1 --evidence x
rejects "--due with done" "$R" 1 "--due goes with add TEXT" db -C "$R" plan "$A" done 3 --due +1
rejects "a bad date" "$R" 1 "--due" db -C "$R" plan "$A" add "X" --due 2026-13-01
rejects "options without an action" "$R" 1 "options go with an action" db -C "$R" plan "$A" --us
rejects "no such deal" "$R" 1 "nope" db -C "$R" plan nope add "X"

# ---- CSV round trip (before rm: three steps, one with ';' in its text) ----
db -C "$R" note "$A" 'a note' > /dev/null
expect_exit "add a step with a line break and a backslash" 0 \
    db -C "$R" plan "$A" add 'Legal: "MSA" \ DPA
then sign' --due 2026-12-01
db -C "$R" export --csv > "$TMP/one.csv"
expect_contains "the plan cell escapes ';', '\\' and line breaks" \
    'Legal: ""MSA"" \\ DPA\nthen sign;' "$(cat "$TMP/one.csv")"
F=$(new_repo fresh)
expect_exit "import the export into a fresh pipeline" 0 db -C "$F" import "$TMP/one.csv"
db -C "$F" export --csv > "$TMP/two.csv"
if cmp -s "$TMP/one.csv" "$TMP/two.csv"; then ok "export → import → export is byte-identical"
else fail "export → import → export is byte-identical" "$(diff "$TMP/one.csv" "$TMP/two.csv")"; fi
expect_eq "the imported plan is the same JSON" "$(field "$R" "$A" "d['plan']")" \
    "$(field "$F" "$A" "d['plan']")"
expect_exit "re-import into its own pipeline" 0 db -C "$R" import "$TMP/one.csv"
expect_contains "changes nothing" "Nothing to import" "$OUT"
sed 's/;buyer;2026-12-01;/;seller;2026-12-01;/' "$TMP/one.csv" > "$TMP/bad.csv"
before=$(state "$R")
expect_exit "a plan cell with a bad owner: exit 1" 1 db -C "$R" import "$TMP/bad.csv"
expect_contains "a plan cell with a bad owner: says where and why" \
    "bad.csv:2: plan: line 3: owner 'seller': expected buyer or us" "$ERR"
expect_unchanged "a plan cell with a bad owner: changes nothing" "$R" "$before"

# ---- a newer version's key inside a step survives an edit ----
python3 - "$(deal_path "$R" "$A")" <<'PY'
import json, sys
p = sys.argv[1]; d = json.load(open(p))
d["plan"][3]["reminder"] = {"days_before": 2}
open(p, "w").write(json.dumps(d, indent=2, ensure_ascii=False) + "\n")
PY
git -C "$R" commit -qam "A newer version's key in a step"
expect_exit "tick a step of a deal whose step has an unknown key" 0 db -C "$R" plan "$A" done 4
expect_eq "the unknown key is kept" '{"days_before": 2}' "$(field "$R" "$A" "d['plan'][3]['reminder']")"
expect_eq "…and the step is done" "2026-11-20" "$(step 3 done)"

# ---- rm ----
count=$(commit_count "$R")
changed "rm by id" "Plan for $A: removed us step $S2 \"Send the proposal\"" \
    db -C "$R" plan "$A" rm "$S2"
expect_eq "the step is gone" "3" "$(field "$R" "$A" "len(d['plan'])")"
db -C "$R" plan "$A" rm 1 > /dev/null && db -C "$R" plan "$A" rm 1 > /dev/null &&
    db -C "$R" plan "$A" rm 1 > /dev/null
expect_eq "the last step removed: no plan key again" "false" "$(field "$R" "$A" "'plan' in d")"
expect_eq "one commit a change" $((count + 4)) "$(commit_count "$R")"
rejects "done on an empty plan" "$R" 1 "has no plan yet" db -C "$R" plan "$A" done 1
