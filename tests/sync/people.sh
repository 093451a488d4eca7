#!/bin/sh
# The buying committee in team sync (SPEC §9, §6): people added by two
# teammates offline all survive, in name order; different people contacted on
# both sides both count; the same person contacted on both sides keeps the
# later commit's date and logs a conflict; a person removed on one side stays
# removed. Every clone ends with the same tree.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/team.inc"

url=$(team_remote team) || { fail "team remote"; exit 1; }
a=$(clone_as "$url" alice "Alice Ames") && b=$(clone_as "$url" bob "Bob Brown") ||
    { fail "clones"; exit 1; }

id=$(db -C "$a" add "Acme rollout" --account Acme --stage evaluate)
db -C "$a" person "$id" add "Pia Ek" --role champion > /dev/null
db -C "$a" person "$id" add "Ola Berg" --role finance > /dev/null
db -C "$a" sync > /dev/null && db -C "$b" sync > /dev/null || { fail "seed the committee"; exit 1; }
names() { field "$1" "$id" '"|".join(p["name"] for p in d["people"])'; }
contacts() { field "$1" "$id" '" ".join(p["last_contact"] or "-" for p in d["people"])'; }
conflicts() { field "$1" "$id" 'sum(e["kind"] == "conflict" for e in d["log"])'; }
expect_eq "bob has alice's committee" "$(names "$a")" "$(names "$b")"

# both sync at the end: bob, then alice merges, then bob fast-forwards
round() {
    expect_exit "$1: bob syncs" 0 db -C "$b" sync
    expect_exit "$1: alice merges" 0 db -C "$a" sync
    expect_exit "$1: bob syncs again" 0 db -C "$b" sync
    check "$1: both trees the same" same_trees "$a" "$b"
    assert_invariants "$a" "$1: alice's clone clean, index = HEAD"
    assert_invariants "$b" "$1: bob's clone clean, index = HEAD"
    check "$1: doctor finds nothing wrong" db -C "$a" doctor
}

# -- people added on both sides offline: all kept, in name order
db -C "$a" person "$id" add "Ana Ruiz" --role decision-maker --stance "wants proof" > /dev/null
db -C "$b" person "$id" add "Tom Lind" --role technical > /dev/null
db -C "$b" person "$id" add "Bea Holm" --role user > /dev/null
round "added on both sides"
expect_eq "all five people, in name order" "Ana Ruiz|Bea Holm|Ola Berg|Pia Ek|Tom Lind" \
    "$(names "$a")"
expect_eq "alice's stance survives" "wants proof" "$(field "$b" "$id" 'd["people"][0]["stance"]')"
expect_eq "no conflict entry" 0 "$(conflicts "$a")"
expect_exit "alice's additions in bob's words" 0 db -C "$b" changes --since HEAD~3
expect_contains "changes names the person alice added" "people: added decision-maker" "$OUT"

# -- different people's contacts dated offline: both count
db -C "$a" person "$id" contact 4 2026-11-18 > /dev/null           # Pia
db -C "$b" person "$id" contact 3 2026-11-19 > /dev/null           # Ola
round "different people contacted"
expect_eq "both contacts survive" "- - 2026-11-19 2026-11-18 -" "$(contacts "$a")"
expect_eq "still no conflict" 0 "$(conflicts "$a")"

# -- the same person's contact dated on both sides: the later commit's, and a conflict entry
now=$(date +%s)
GIT_AUTHOR_DATE="@$now +0000" GIT_COMMITTER_DATE="@$now +0000" \
    db -C "$a" person "$id" contact 1 2026-11-19 > /dev/null
later="@$((now + 3600)) +0000"
GIT_AUTHOR_DATE=$later GIT_COMMITTER_DATE=$later \
    db -C "$b" person "$id" contact 1 2026-11-20 > /dev/null
round "the same person on both sides"
expect_eq "the later commit's date (Bob's) wins" "2026-11-20" \
    "$(field "$a" "$id" 'd["people"][0]["last_contact"]')"
expect_eq "one conflict entry" 1 "$(conflicts "$a")"

# -- a person removed on one side, left alone on the other: removed
tom=$(field "$a" "$id" 'd["people"][4]["id"]')
db -C "$a" person "$id" rm "$tom" > /dev/null
db -C "$b" person "$id" contact 2 2026-11-20 > /dev/null           # bob dates Bea meanwhile
round "removed on one side"
expect_eq "the removed person stays removed" "Ana Ruiz|Bea Holm|Ola Berg|Pia Ek" "$(names "$b")"
expect_eq "bob's contact of another person survives" "2026-11-20" \
    "$(field "$a" "$id" 'd["people"][1]["last_contact"]')"
