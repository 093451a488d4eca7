#!/bin/sh
# The detail view's Buying committee section (SPEC §9) at 80x24: each person
# numbered as `person ID rm N` takes them, their role, stance and last contact;
# nothing when the deal has no people; a name's control characters are not
# drawn. Opening it changes nothing.
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
expect_not_contains "a deal without people has no section" "Buying committee" "$(screen none)"
expect_contains "…but its log" "Log (" "$(screen none)"
fits=$(awk 'length($0) > 80' "$TMP/detail.txt")
expect_eq "every row fits 80 columns" "" "$fits"
expect_unchanged "opening the detail view changed nothing" "$repo" "$before"
