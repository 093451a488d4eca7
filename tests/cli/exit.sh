# Exit evidence (SPEC §9): `move ID STAGE --seen N[,N]|TEXT` and `seen ID STAGE
# N|TEXT` record what showed a stage was done, one commit each with the words
# in the message; a move forward without --seen lists the outcomes on standard
# error; bad input changes nothing; show, show --json, the no-exit-evidence
# rule, and CSV export/import byte for byte.
. "$(dirname "$0")/../lib.sh"

R=$(new_repo)
db -C "$R" add "Acme rollout" --stage define --next "Call" --due 2026-11-25 > "$TMP/id" || exit 1
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

# ---- init writes exit outcomes for the buyer's stages ----
expect_eq "init: Recognize's outcomes, in the buyer's words" \
    '["the buyer says in their own words what the problem costs them", "the buyer names who else feels the problem"]' \
    "$(pyjson 'd["stages"][1]["exit"]' < "$R/pipeline.json")"
expect_eq "init: every default stage has 1 to 3" "[2, 2, 3, 2, 3, 2]" \
    "$(pyjson '[len(s["exit"]) for s in d["stages"]]' < "$R/pipeline.json")"
expect_eq "init: the rule is written switched off" "false" \
    "$(pyjson 'd["rules"]["no-exit-evidence"]["enabled"]' < "$R/pipeline.json")"

# ---- move --seen by number (records on different days: the file's order is by date) ----
DEALBOARD_TODAY=2026-11-18
changed "move --seen 1,3" \
    "Move $A: Define → Explore; seen: the buyer has put a number on the impact; the buyer has decided to act, and by when" \
    db -C "$R" move "$A" explore --seen 1,3
expect_eq "the record: stage left, date, outcomes as they read" \
    '[["define", "2026-11-18", ["the buyer has put a number on the impact", "the buyer has decided to act, and by when"]]]' \
    "$(field "$R" "$A" '[[e["stage"], e["date"], e["seen"]] for e in d["evidence"]]')"
expect_eq "its id: e and 6 hex digits" "true" \
    "$(field "$R" "$A" '__import__("re").fullmatch("e[0-9a-f]{6}", d["evidence"][0]["id"]) is not None')"
expect_eq "evidence comes after the plan's place and before the log" \
    '["snooze", "moved_on", "evidence", "log"]' "$(field "$R" "$A" 'list(d)[-4:]')"

# ---- move forward without --seen: the outcomes on standard error ----
changed "move without --seen" "Move $A: Explore → Evaluate" db -C "$R" move "$A" evaluate
expect_contains "lists the outcomes of the stage left" \
    "Explore is done when:
  1. the buyer has listed the approaches they considered
  2. the buyer has agreed the criteria a solution must meet" "$ERR"
expect_contains "…and how to record them" "'dealboard seen $A explore N[,N]' records what you saw." "$ERR"
expect_eq "nothing recorded for Explore" 1 "$(field "$R" "$A" 'len(d["evidence"])')"

# ---- seen afterwards, in words ----
DEALBOARD_TODAY=2026-11-19
changed "seen in words" "Exit evidence for $A: Explore done; seen: they chose; two vendors" \
    db -C "$R" seen "$A" explore "they chose; two vendors"
expect_eq "kept in the seller's words" '["they chose; two vendors"]' \
    "$(field "$R" "$A" 'd["evidence"][1]["seen"]')"

# ---- bad input changes nothing ----
DEALBOARD_TODAY=2026-11-20
before=$(state "$R")
expect_exit "--seen on a move back: exit 1" 1 db -C "$R" move "$A" define --seen 1
expect_contains "…says why" "--seen: records what showed a stage was done, on a move forward; Define is not after the deal's stage" "$ERR"
expect_exit "--seen with a number the stage has not: exit 1" 1 db -C "$R" move "$A" decide --seen 4
expect_contains "…names the range" "--seen 4: Evaluate has outcomes 1 to 3" "$ERR"
expect_exit "seen for the deal's own stage: exit 1" 1 db -C "$R" seen "$A" evaluate 1
expect_contains "…says which it may be" "is in Evaluate; evidence is recorded for a stage it has left" "$ERR"
expect_exit "seen for an unknown stage: exit 1" 1 db -C "$R" seen "$A" nowhere 1
expect_exit "--seen empty: exit 1" 1 db -C "$R" move "$A" decide --seen ""
expect_unchanged "bad input: nothing changed" "$R" "$before"

# ---- show, show --json ----
expect_exit "show" 0 db -C "$R" show "$A"
expect_contains "show lists the evidence" "Exit evidence
  Define done, 2026-11-18
    - the buyer has put a number on the impact
    - the buyer has decided to act, and by when
  Explore done, 2026-11-19
    - they chose; two vendors" "$OUT"
expect_exit "show --json" 0 db -C "$R" show "$A" --json
expect_eq "show --json carries the evidence as stored" "$(field "$R" "$A" 'd["evidence"]')" \
    "$(printf '%s' "$OUT" | pyjson 'd["evidence"]')"

# ---- the rule: off by default; on, it names the stage left without evidence ----
B=$(db -C "$R" add "Beta" --stage evaluate --next "Call" --due 2026-11-25)
expect_exit "flags --json" 0 db -C "$R" flags --json
expect_not_contains "off by default" "no-exit-evidence" "$OUT"
python3 - "$R/pipeline.json" <<'PY'
import json, sys
p = sys.argv[1]; d = json.load(open(p))
d["rules"]["no-exit-evidence"]["enabled"] = True
open(p, "w").write(json.dumps(d, indent=2, ensure_ascii=False) + "\n")
PY
git -C "$R" commit -qam "Turn on no-exit-evidence"
expect_exit "list --json with the rule on" 0 db -C "$R" list --json
reasons() { printf '%s' "$OUT" | pyjson '[r["text"] for x in d["deals"] if x["id"] == "'"$1"'" for r in x["reasons"] if r["rule"] == "no-exit-evidence"]'; }
expect_eq "a deal added in Evaluate: nothing recorded for the stages before" \
    '["in Evaluate; nothing recorded that Explore was done, nor 3 stages before it"]' "$(reasons "$B")"
expect_eq "Acme: Status quo and Recognize were never left with evidence" \
    '["in Evaluate; nothing recorded that Recognize was done, nor 1 stage before it"]' "$(reasons "$A")"
db -C "$R" seen "$A" status-quo 1 > /dev/null
db -C "$R" seen "$A" recognize 2 > /dev/null
expect_exit "list --json after recording them" 0 db -C "$R" list --json
expect_eq "…Acme is no longer flagged for it" "[]" "$(reasons "$A")"

# ---- CSV: export → import into a fresh pipeline → export, byte for byte ----
db -C "$R" export --csv > "$TMP/one.csv"
expect_contains "the header ends with plan,evidence" "moved_on_revisit,plan,evidence" "$(head -1 "$TMP/one.csv")"
expect_contains "the cell escapes a ';' in the words" 'they chose\; two vendors' "$(cat "$TMP/one.csv")"
F=$(new_repo fresh)
expect_exit "import the export into a fresh pipeline" 0 db -C "$F" import "$TMP/one.csv"
db -C "$F" export --csv > "$TMP/two.csv"
if cmp -s "$TMP/one.csv" "$TMP/two.csv"; then ok "export → import → export is byte-identical"
else fail "export → import → export is byte-identical" "$(diff "$TMP/one.csv" "$TMP/two.csv")"; fi
expect_eq "the imported evidence is the same JSON" "$(field "$R" "$A" "d['evidence']")" \
    "$(field "$F" "$A" "d['evidence']")"
expect_exit "re-import into its own pipeline" 0 db -C "$R" import "$TMP/one.csv"
expect_contains "changes nothing" "Nothing to import" "$OUT"
sed 's/;define;2026-11-18;/;define;18.11.26;/' "$TMP/one.csv" > "$TMP/bad.csv"
before=$(state "$R")
expect_exit "an evidence cell with a bad date: exit 1" 1 db -C "$R" import "$TMP/bad.csv"
expect_contains "…says where and why" "bad.csv:2: evidence: line 1: the date is YYYY-MM-DD or empty" "$ERR"
expect_unchanged "…changes nothing" "$R" "$before"

# ---- a newer version's key inside a record survives an edit ----
python3 - "$(deal_path "$R" "$A")" <<'PY'
import json, sys
p = sys.argv[1]; d = json.load(open(p))
[e for e in d["evidence"] if e["stage"] == "define"][0]["by"] = "Ann"
open(p, "w").write(json.dumps(d, indent=2, ensure_ascii=False) + "\n")
PY
git -C "$R" commit -qam "A newer version's key in a record"
expect_exit "move a deal whose record has an unknown key" 0 db -C "$R" move "$A" decide --seen 2
expect_eq "the unknown key is kept" "Ann" "$(field "$R" "$A" "[e.get('by') for e in d['evidence'] if e['stage'] == 'define'][0]")"
expect_eq "…and the new record is there" 5 "$(field "$R" "$A" 'len(d["evidence"])')"
