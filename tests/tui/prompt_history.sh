#!/bin/sh
# Prompt history (Up/Down at a one-line prompt), in script mode: each prompt
# has its own list, Down past the newest gives back what was being typed, an
# entry entered again is not repeated, and a recalled note saves that text.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/screen.inc"
export TZ=UTC

repo=$(new_repo)
cd "$repo" || exit 1
acme=$(db add "Acme Rollout" --account Acme --value 85000 --stage define --next "Call" --due 2026-11-25)

# The bottom row (the prompt) of a saved screen.
prompt_row() { tail -n 1 "$TMP/$1.txt"; }
last_note() { field . "$acme" '[e["text"] for e in d["log"] if e["kind"] == "note"][-1]'; }

before=$(commit_count .)
board 80x24 <<EOF
key c
type first note
key Enter
key c
type second note
key Enter
key c
type half-typed
key Up
screen $TMP/up1.txt
key Up
screen $TMP/up2.txt
key Up
screen $TMP/up3.txt
key Down
screen $TMP/down1.txt
key Down
screen $TMP/down2.txt
key Down
screen $TMP/down3.txt
key Up
key Up
key Enter
key /
key Up
screen $TMP/search1.txt
type Acme
key Enter
key /
key Up
screen $TMP/search2.txt
key Esc
EOF
expect_eq "Up: the newest note" "Note: second note" "$(prompt_row up1)"
expect_eq "Up again: the one before" "Note: first note" "$(prompt_row up2)"
expect_eq "Up at the oldest stays there" "Note: first note" "$(prompt_row up3)"
expect_eq "Down: forward again" "Note: second note" "$(prompt_row down1)"
expect_eq "Down past the newest gives back what was typed" "Note: half-typed" "$(prompt_row down2)"
expect_eq "…and further Down changes nothing" "Note: half-typed" "$(prompt_row down3)"
expect_eq "three notes, three commits" $((before + 3)) "$(commit_count .)"
expect_eq "the recalled note saved is the recalled text" "first note" "$(last_note)"
expect_eq "…and its commit says so" "Note on $acme: first note" "$(last_message .)"
expect_eq "search has its own history: no notes in it" "/" "$(prompt_row search1)"
expect_eq "search recalls the search" "/Acme" "$(prompt_row search2)"

# An entry entered again moves to the top instead of repeating; Esc saves
# nothing; history lasts for the session only (a new board starts empty).
before=$(commit_count .)
board 80x24 <<EOF
key c
key Up
screen $TMP/fresh.txt
type alpha
key Enter
key c
type beta
key Enter
key c
type alpha
key Enter
key c
key Up
screen $TMP/dup1.txt
key Up
screen $TMP/dup2.txt
key Up
screen $TMP/dup3.txt
key Esc
EOF
expect_eq "a new session starts with no history" "Note:" "$(prompt_row fresh)"
expect_eq "the newest: alpha" "Note: alpha" "$(prompt_row dup1)"
expect_eq "then beta" "Note: beta" "$(prompt_row dup2)"
expect_eq "alpha is not there twice" "Note: beta" "$(prompt_row dup3)"
expect_eq "Esc after recalling saves nothing" $((before + 3)) "$(commit_count .)"
expect_eq "the last note is the third one typed" "alpha" "$(last_note)"
