#!/bin/sh
# The daily review resumes the same day where it stopped (.git/dealboard-review),
# starts afresh on a new day, leaves a cancelled prompt without a commit, opens
# from the board, and says so when there is nothing to review.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/screen.inc"

repo=$(new_repo)
cd "$repo" || exit 1
# Four "move on?" deals of equal score, in title order B1..B4.
for t in B1 B2 B3 B4; do
    DEALBOARD_TODAY=2026-09-01 db add "$t Deal" --account "$t" --value 1000 --stage explore > "$TMP/id"
    eval "$(echo "$t" | tr 'B' 'b')=\$(cat "$TMP/id")"
done
state_file=.git/dealboard-review

review() {   # review [DAY]: script on stdin, screens in $TMP
    cat > "$TMP/script"
    DEALBOARD_TODAY=${1:-2026-11-20} DEALBOARD_SCRIPT="$TMP/script" db review \
        > "$TMP/review.out" 2> "$TMP/review.err"
}

# ---- first sitting: skip B1, touch B2, quit ------------------------------
before=$(commit_count .)
review <<EOF
screen $TMP/a1.txt
key Space
key t
key Enter
type Call back
key Enter
type +3
key Enter
key Esc
key Esc
screen $TMP/a2.txt
key q
key Space
EOF
expect_eq "q leaves the review (exit 0)" 0 $?
expect_contains "starts at 1 of 4" "1 of 4" "$(row a1 0)"
expect_contains "…with B1" "B1 Deal" "$(screen a1)"
expect_contains "after skip and touch: B3" "B3 Deal" "$(screen a2)"
expect_eq "two commits (the touch and its next step), none for the skip or after q" $((before + 2)) "$(commit_count .)"
expect_eq "touch without a note" "Touch $b2" "$(git log -1 --skip=1 --format=%s)"
expect_eq "state file: today and the handled deals" "# dealboard daily review: deals handled today (safe to delete)
day 2026-11-20
done $b1 skipped
done $b2 touched,next-step" "$(cat "$state_file")"
check "state file is not part of the work tree" is_clean .

# ---- same day: resume at B3 ------------------------------------------------
review <<EOF
screen $TMP/b1.txt
key z
key Esc
screen $TMP/b2.txt
key k
screen $TMP/b3.txt
key Space
screen $TMP/b4.txt
EOF
expect_contains "resumes at the next unhandled deal" "3 of 4" "$(row b1 0)"
expect_contains "…B3" "B3 Deal" "$(screen b1)"
expect_not_contains "handled deals are not shown again" "B1 Deal" "$(screen b1)"
expect_contains "says it resumes" "resuming today's review: 2 deals already handled" "$(screen b1)"
expect_contains "a cancelled prompt stays on the deal" "B3 Deal" "$(screen b2)"
expect_eq "…and commits nothing" $((before + 2)) "$(commit_count .)"
expect_contains "back at the first deal of a sitting stays" "this is the first deal of this review" "$(screen b3)"
expect_contains "skip: 4 of 4" "4 of 4" "$(row b4 0)"
expect_contains "…B4" "B4 Deal" "$(screen b4)"

# ---- same day: the last one, then the day is done ---------------------------
review <<EOF
key Space
screen $TMP/c1.txt
EOF
expect_contains "done: summary counts every sitting of the day" "$(printf '  %-16s %s' reviewed 4)" "$(screen c1)"
expect_contains "…skipped 3" "$(printf '  %-16s %s' skipped 3)" "$(screen c1)"
expect_contains "…touched 1" "$(printf '  %-16s %s' touched 1)" "$(screen c1)"
review <<EOF
screen $TMP/c2.txt
EOF
expect_contains "opening it again the same day: the summary" "Today's review is done" "$(screen c2)"

# ---- next day: afresh -------------------------------------------------------
review 2026-11-21 <<EOF
screen $TMP/d1.txt
key m
type dec
key Tab
key Enter
type Send the contract
key Enter
type +2
key Enter
key Esc
key Esc
screen $TMP/d2.txt
EOF
expect_contains "a new day starts at 1" "1 of 4" "$(row d1 0)"
expect_contains "…with B1 again" "B1 Deal" "$(screen d1)"
expect_not_contains "…no resume message" "resuming" "$(screen d1)"
expect_eq "m: the stage you choose (Tab completes), one commit" "Move $b1: Explore → Decide" "$(git log -1 --skip=1 --format=%s)"
expect_eq "…then its next step" "Next step for $b1: Send the contract (due 2026-11-23)" "$(last_message .)"
expect_eq "m: stage in the file" "decide" "$(field . "$b1" 'd["stage"]')"
expect_contains "m: then the next deal" "2 of 4" "$(row d2 0)"
expect_contains "state file now holds the new day" "day 2026-11-21" "$(cat "$state_file")"
expect_contains "…and today's change" "done $b1 next-step,stage" "$(cat "$state_file")"
expect_not_contains "…and not yesterday's deals" "$b2" "$(cat "$state_file")"

# ---- a broken state file is ignored ----------------------------------------
printf 'garbage\n\001\002 done\nday nonsense\n' > "$state_file"
review 2026-11-21 <<EOF
screen $TMP/e1.txt
EOF
expect_contains "broken state: starts afresh" "1 of 4" "$(row e1 0)"

# ---- from the board: r opens the review, Esc goes back ----------------------
rm -f "$state_file"
cat > "$TMP/script" <<EOF
key r
screen $TMP/f1.txt
key Esc
screen $TMP/f2.txt
EOF
DEALBOARD_SCRIPT="$TMP/script" db > /dev/null 2>&1
expect_contains "r on the board opens the review" "Daily review · 1 of 4" "$(row f1 0)"
expect_contains "Esc goes back to the board" "Explore          3" "$(row f2 0)"
expect_not_contains "…the review is gone" "Daily review" "$(screen f2)"

# ---- nothing to review -------------------------------------------------------
empty=$(new_repo empty)
db -C "$empty" add "Fresh" --account F --value 10 --next "Call" --due 2026-12-01 > /dev/null
cat > "$TMP/script" <<EOF
screen $TMP/g1.txt
EOF
DEALBOARD_SCRIPT="$TMP/script" db -C "$empty" review > /dev/null 2>&1
expect_eq "empty queue exits 0" 0 $?
expect_contains "empty queue: a friendly screen" "Nothing to review today" "$(screen g1)"
expect_contains "…with the quit key" "q quit" "$(screen g1)"

# ---- a next step due today: the step in words, and the hints ------------------
step=$(db -C "$empty" add "Due Today" --account D --value 10 --next "Send the deck" --due 2026-11-20)
db -C "$empty" set "$step" status_quo "Excel" > /dev/null
DEALBOARD_SCRIPT="$TMP/script" db -C "$empty" review > /dev/null 2>&1
expect_contains "step due: category" "1 of 1 · next step due" "$(row g1 0)"
expect_contains "step due: why in words" "next step due today: Send the deck" "$(screen g1)"
expect_contains "step due: next step line" "Next step:  Send the deck · due today" "$(screen g1)"
expect_contains "status quo shown" "Status quo: Excel" "$(screen g1)"

# ---- small terminal -------------------------------------------------------------
cat > "$TMP/script" <<EOF
screen $TMP/h1.txt
resize 30x8
screen $TMP/h2.txt
resize 20x6
screen $TMP/h3.txt
EOF
DEALBOARD_TODAY=2026-11-22 DEALBOARD_SCRIPT="$TMP/script" DEALBOARD_SCRIPT_SIZE=40x10 db review > /dev/null 2>&1
expect_eq "40x10: ten rows" 10 "$(wc -l < "$TMP/h1.txt")"
expect_contains "40x10: still readable" "1 of 4" "$(row h1 0)"
expect_contains "40x10: the category whole, not run into whose deals" "move on?" "$(row h1 0)"
expect_contains "30x8: the deal and its place" "1 of 4" "$(row h2 0)"
expect_eq "30x8: no row wider than 30" "" "$(too_wide 30 h2)"
expect_contains "30x8: the skip key shown" "Space skip" "$(screen h2)"
expect_contains "too small says so" "terminal too small" "$(screen h3)"

# ---- without a terminal ---------------------------------------------------------
expect_exit "no terminal: exit 1" 1 env -u DEALBOARD_SCRIPT "$DEALBOARD" -C "$repo" review < /dev/null
expect_error "no terminal: error format"
expect_contains "no terminal: says what to use instead" "review: needs a terminal (try 'dealboard flags')" "$ERR"
