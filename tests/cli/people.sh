# dealboard person: the buying committee (SPEC §9). Each change is one commit
# with a message in words and leaves git status clean; bad input says what to
# do and changes nothing; people go through CSV export/import byte for byte.
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
who() { field "$R" "$A" "d['people'][$1]['$2']"; }

# ---- no people yet ----
expect_exit "person ID on a deal without people" 0 db -C "$R" person "$A"
expect_contains "says how to add one and the roles" \
    "No people yet: 'dealboard person $A add NAME --role ROLE [--stance S]' adds one (roles: champion, decision-maker, finance, user, technical, blocker)" "$OUT"
expect_eq "no people key in a file without people" "false" "$(field "$R" "$A" "'people' in d")"

# ---- add ----
count=$(commit_count "$R")
expect_exit "add a champion with a stance" 0 \
    db -C "$R" person "$A" add "Pia Ek; IT" --role champion --stance "keen, needs a win"
P1=$(who 0 id)
MSG="People of $A: added champion $P1 \"Pia Ek; IT\""
expect_eq "add: one commit" $((count + 1)) "$(commit_count "$R")"
expect_eq "add: commit message" "$MSG" "$(last_message "$R")"
expect_eq "add: prints what happened" "$MSG" "$OUT"
assert_invariants "$R" "add: git status clean, index = HEAD"
case "$P1" in h[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]) ok "person id is h + 6 hex" ;;
    *) fail "person id is h + 6 hex" "$P1" ;; esac
expect_eq "the person as stored" \
    "{\"id\": \"$P1\", \"name\": \"Pia Ek; IT\", \"role\": \"champion\", \"stance\": \"keen, needs a win\", \"last_contact\": null}" \
    "$(field "$R" "$A" "d['people'][0]")"
expect_exit "add a decision-maker without a stance" 0 \
    db -C "$R" person "$A" add "Ana Ruiz" --role decision-maker
P0=$(who 0 id)
expect_eq "people in name order" "Ana Ruiz|Pia Ek; IT" \
    "$(field "$R" "$A" "'|'.join(p['name'] for p in d['people'])")"
expect_eq "no stance: an empty one" "" "$(who 0 stance)"

# ---- contact ----
changed "contact by number, on a date" \
    "People of $A: contacted champion $P1 \"Pia Ek; IT\" last contact 2026-11-02" \
    db -C "$R" person "$A" contact 2 2026-11-02
expect_eq "last contact stored" "2026-11-02" "$(who 1 last_contact)"
changed "contact by id prefix: today" \
    "People of $A: contacted decision-maker $P0 \"Ana Ruiz\" last contact 2026-11-20" \
    db -C "$R" person "$A" contact "$(printf '%s' "$P0" | cut -c1-5)"

# ---- list, show ----
expect_exit "person ID lists the committee" 0 db -C "$R" person "$A"
expect_eq "listed, numbered" "  1  $P0  Ana Ruiz  decision-maker  (last contact 2026-11-20)
  2  $P1  Pia Ek; IT  champion  (keen, needs a win; last contact 2026-11-02)" "$OUT"
expect_exit "show lists the committee" 0 db -C "$R" show "$A"
expect_contains "show: Buying committee section" "Buying committee (2)
  1  $P0  Ana Ruiz  decision-maker" "$OUT"
expect_exit "show --json" 0 db -C "$R" show "$A" --json
expect_eq "show --json carries the people" "$P1 champion 2026-11-02" \
    "$(printf '%s' "$OUT" | pyjson "d['people'][1]['id'] + ' ' + d['people'][1]['role'] + ' ' + d['people'][1]['last_contact']")"
expect_eq "each change is logged" "people" "$(field "$R" "$A" "d['log'][-1]['kind']")"

# ---- bad input ----
rejects "an unknown role lists the roles" "$R" 1 \
    "role 'sponsor': not a role; use one of champion, decision-maker, finance, user, technical, blocker" \
    db -C "$R" person "$A" add "Bo" --role sponsor
rejects "add without --role" "$R" 1 "--role is needed, one of champion" db -C "$R" person "$A" add "Bo"
rejects "add without a name" "$R" 1 "needs the person's name" db -C "$R" person "$A" add
rejects "blank name" "$R" 1 "must not be empty" db -C "$R" person "$A" add "  " --role user
rejects "no such number" "$R" 1 "the committee has people 1 to 2" db -C "$R" person "$A" rm 7
rejects "no such id" "$R" 1 "no such person; name them by number or id" db -C "$R" person "$A" rm hzzz
rejects "an ambiguous prefix" "$R" 1 "type more of it or their number" db -C "$R" person "$A" rm h
rejects "unknown action" "$R" 1 "use add NAME --role ROLE, rm PERSON or contact PERSON [DATE]" \
    db -C "$R" person "$A" call 1
rejects "--role with rm" "$R" 1 "--role goes with add NAME" db -C "$R" person "$A" rm 1 --role user
rejects "a bad contact date" "$R" 1 "not a date" db -C "$R" person "$A" contact 1 2026-13-01
rejects "a contact after today" "$R" 1 "cannot be after today" db -C "$R" person "$A" contact 1 +1
rejects "options without an action" "$R" 1 "options go with add NAME" \
    db -C "$R" person "$A" --role user
rejects "two names" "$R" 1 "one name only" db -C "$R" person "$A" add Bo Ek --role user
rejects "no such deal" "$R" 1 "nope" db -C "$R" person nope add "X" --role user

# ---- CSV round trip ----
expect_exit "add a person with a line break and a backslash" 0 \
    db -C "$R" person "$A" add 'Lu "CTO" \ Ops
deputy' --role technical --stance 'sceptical; wants SSO'
db -C "$R" export --csv > "$TMP/one.csv"
expect_contains "the CSV header has a people column" "people" "$(head -1 "$TMP/one.csv")"
expect_contains "the people cell escapes ';', '\\' and line breaks" \
    'Lu ""CTO"" \\ Ops\ndeputy;technical;sceptical\; wants SSO;' "$(cat "$TMP/one.csv")"
F=$(new_repo fresh)
expect_exit "import the export into a fresh pipeline" 0 db -C "$F" import "$TMP/one.csv"
db -C "$F" export --csv > "$TMP/two.csv"
if cmp -s "$TMP/one.csv" "$TMP/two.csv"; then ok "export → import → export is byte-identical"
else fail "export → import → export is byte-identical" "$(diff "$TMP/one.csv" "$TMP/two.csv")"; fi
expect_eq "the imported people are the same JSON" "$(field "$R" "$A" "d['people']")" \
    "$(field "$F" "$A" "d['people']")"
sed 's/;champion;keen/;champion;keen/; s/;2026-11-02/;2026-11-99/' "$TMP/one.csv" > "$TMP/bad.csv"
before=$(state "$R")
expect_exit "a people cell with a bad date: exit 1" 1 db -C "$R" import "$TMP/bad.csv"
expect_contains "a people cell with a bad date: says where and why" \
    "people: line 3: last contact '2026-11-99' is not a date" "$ERR"
expect_unchanged "a people cell with a bad date: changes nothing" "$R" "$before"

# ---- a newer version's key inside a person survives an edit ----
python3 - "$(deal_path "$R" "$A")" <<'PY'
import json, sys
p = sys.argv[1]; d = json.load(open(p))
d["people"][0]["email"] = "ana@example.com"
open(p, "w").write(json.dumps(d, indent=2, ensure_ascii=False) + "\n")
PY
git -C "$R" commit -qam "A newer version's key in a person"
expect_exit "date a contact of a person with an unknown key" 0 db -C "$R" person "$A" contact 1 2026-11-19
expect_eq "the unknown key is kept" "ana@example.com" "$(who 0 email)"
expect_eq "…and the contact is dated" "2026-11-19" "$(who 0 last_contact)"

# ---- rm ----
count=$(commit_count "$R")
changed "rm by id" "People of $A: removed champion $P1 \"Pia Ek; IT\"" db -C "$R" person "$A" rm "$P1"
expect_eq "the person is gone" "2" "$(field "$R" "$A" "len(d['people'])")"
db -C "$R" person "$A" rm 1 > /dev/null && db -C "$R" person "$A" rm 1 > /dev/null
expect_eq "the last person removed: no people key again" "false" "$(field "$R" "$A" "'people' in d")"
expect_eq "one commit a change" $((count + 3)) "$(commit_count "$R")"
rejects "rm with no people" "$R" 1 "has no people yet" db -C "$R" person "$A" rm 1
