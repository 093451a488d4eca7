#!/bin/sh
# undo takes back only your own last change made in this clone (SPEC §7):
# never a teammate's commit that a sync brought in, never a hand edit that
# is not committed. Each refusal changes nothing.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/team.inc"

url=$(team_remote team) || { fail "team remote"; exit 1; }
a=$(clone_as "$url" alice "Alice Seller") || { fail "clone alice"; exit 1; }
b=$(clone_as "$url" bob "Bob Buyer") || { fail "clone bob"; exit 1; }
id=$(db -C "$a" add "Acme rollout" --value 1000)
db -C "$a" sync > /dev/null && db -C "$b" sync > /dev/null || fail "setup syncs"
db -C "$a" note "$id" "alice's note" > /dev/null && db -C "$a" sync > /dev/null || fail "alice notes"

state() { git -C "$1" rev-parse HEAD; git -C "$1" status --porcelain; cat "$(deal_file "$1" "$id")" | cksum; }
before=$(state "$b")
expect_exit "bob syncs (a fast-forward)" 0 db -C "$b" sync
before=$(state "$b")
expect_exit "undo right after a fast-forward sync: refused" 1 db -C "$b" undo
expect_contains "it says why" "not made in this clone" "$ERR"
expect_eq "nothing changed" "$before" "$(state "$b")"
assert_invariants "$b" "invariants after the refusal"
expect_exit "bob's sync pushes nothing of a revert" 0 db -C "$b" sync
expect_contains "alice's note is still on the remote" "alice's note" \
    "$(git --git-dir="$TMP/team.git" show "main:$(deal_file "" "$id" | sed 's|^/||')")"

# Bob's own change can be undone.
expect_exit "bob moves the deal" 0 db -C "$b" move "$id" define
expect_exit "bob undoes it" 0 db -C "$b" undo
expect_eq "the stage is back" "status-quo" "$(field "$b" "$id" 'd["stage"]')"
assert_invariants "$b" "invariants after undo"

# A hand edit of the deal the last change touched is never thrown away.
expect_exit "bob notes" 0 db -C "$b" note "$id" "bob's note"
sed 's/"title": "Acme rollout"/"title": "Acme by hand"/' "$(deal_file "$b" "$id")" > "$TMP/hand" &&
    cp "$TMP/hand" "$(deal_file "$b" "$id")"
before=$(state "$b")
expect_exit "undo with a hand edit pending: refused" 1 db -C "$b" undo
expect_contains "it names the file" "has changes here that are not committed" "$ERR"
expect_eq "the hand edit and HEAD are as they were" "$before" "$(state "$b")"
expect_contains "the hand edit is still there" "Acme by hand" "$(cat "$(deal_file "$b" "$id")")"
