#!/bin/sh
# The detail view's Buying committee section (SPEC §9) at 80x24: each person
# numbered as `person ID rm N` takes them, their role, stance and last contact;
# on an open deal without people, the key that adds one; a name's control
# characters are not drawn. Opening it changes nothing. b adds a person
# (name, role from the list, stance) and B removes one, each one commit
# through the edit `dealboard person` uses; Esc saves nothing.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/screen.inc"
export TZ=UTC

repo=$(new_repo)
cd "$repo" || exit 1
acme=$(db add "Acme Rollout" --account Acme --value 85000 --stage evaluate)
db add "Small Thing" --account Tiny --value 2000 --stage define > /dev/null
db person "$acme" add "Pia Ek" --role champion --stance "keen" > /dev/null
db person "$acme" add "Ana Ruiz" --role decision-maker > /dev/null
db person "$acme" add "$(printf 'Tom\033[2JLind')" --role technical > /dev/null
db person "$acme" contact 2 2026-11-02 > /dev/null
before=$(state "$repo")

board 80x24 <<EOF
$(select_deal "Acme Rollout")
key Enter
keys PgDn
screen $TMP/detail.txt
key q
$(select_deal "Small Thing")
key Enter
keys PgDn
screen $TMP/none.txt
EOF
people=$(screen detail)
expect_contains "the section with its count" "Buying committee (3)" "$people"
expect_contains "person 1: by name, no stance or contact" "  1 Ana Ruiz  decision-maker" "$people"
expect_contains "person 2: stance and last contact" \
    "  2 Pia Ek  champion (keen; last contact 2026-11-02)" "$people"
expect_contains "person 3: the escape sequence is not drawn as such" "  3 Tom" "$people"
expect_not_contains "no raw escape on screen" "$(printf '\033')" "$(cat "$TMP/detail.txt")"
expect_contains "a deal without people: the key that adds one" \
    "Buying committee: nobody yet (b: add a person)" "$(screen none)"
expect_contains "with people: the keys that add and remove" \
    "Buying committee (3)  (b: add, B: remove)" "$people"
expect_contains "…but its log" "Log (" "$(screen none)"
fits=$(awk 'length($0) > 80' "$TMP/detail.txt")
expect_eq "every row fits 80 columns" "" "$fits"
expect_unchanged "opening the detail view changed nothing" "$repo" "$before"

# ---- b adds a person, B removes one ------------------------------------------
count=$(commit_count .)
board 80x24 <<EOF
$(select_deal "Small Thing")
key Enter
key b
screen $TMP/add_form.txt
type Ola Berg
key Enter
type boss
key Enter
screen $TMP/bad_role.txt
key C-u
type dec
key Enter
type wants proof
key Enter
keys PgDn
screen $TMP/added.txt
key b
type Kim Ho
key Esc
EOF
small=$(db list --json | pyjson '[x["id"] for x in d["deals"] if x["title"] == "Small Thing"][0]')
people_of() { field "$repo" "$small" "'|'.join('%s,%s,%s' % (p['name'], p['role'], p['stance']) for p in d.get('people') or [])"; }
expect_contains "b asks in a form" "Add a person to the buying committee" "$(screen add_form)"
expect_contains "a role not in the list is refused" "not one of the choices" "$(screen bad_role)"
expect_eq "b: one commit (Esc on the second saved nothing)" $((count + 1)) "$(commit_count .)"
expect_eq "b: the deal file has the person, role (a prefix completes) and stance" "Ola Berg,decision-maker,wants proof" \
    "$(people_of)"
expect_contains "b: the commit is the person command's" "added decision-maker" "$(last_message .)"
expect_contains "b: the section lists them" "  1 Ola Berg  decision-maker (wants proof)" \
    "$(screen added)"

count=$(commit_count .)
board 80x24 <<EOF
$(select_deal "Acme Rollout")
key Enter
key B
screen $TMP/rm_prompt.txt
type 2
key Enter
keys PgDn
screen $TMP/removed.txt
EOF
expect_contains "B asks which person, by number" "Remove person (1-3, or id)" "$(screen rm_prompt)"
expect_eq "B: one commit" $((count + 1)) "$(commit_count .)"
expect_contains "B: the commit says who went" "Pia Ek" "$(last_message .)"
expect_eq "B: the deal file keeps the others" "Ana Ruiz,Tom" \
    "$(field "$repo" "$acme" "','.join(p['name'][:3] if p['name'].startswith('Tom') else p['name'] for p in d['people'])")"
expect_contains "B: the section has two" "Buying committee (2)" "$(screen removed)"
