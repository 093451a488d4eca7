#!/bin/sh
# The review leaves every open deal with a dated next step (issue 14): after a
# touch it asks for the next step, skipping a deal without one says so, and the
# summary counts what is left; from Define on it asks for the status quo and
# the insight in the seller's words; a moved-on deal touched on its revisit
# day gets a new revisit date; C-g with --keys emacs goes back, not quits; and
# at 40x12 nothing runs into anything and the rest scrolls.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/screen.inc"

repo=$(new_repo)
cd "$repo" || exit 1
# Today (2026-11-20): a moved-on deal whose revisit date came, then three
# "move on?" deals created 80 days ago: two in Define (score 6, by title),
# one in Recognize (score 5: no status-quo rule before Define).
rev=$(on_day 2026-10-01 add "Revisit Later" --account Rev --value 5000)
on_day 2026-10-01 moveon "$rev" --reason "no budget this year" --revisit 2026-11-15 > /dev/null
acme=$(on_day 2026-09-01 add "Acme Rollout" --account Acme --value 48000 --stage define)
cancel=$(on_day 2026-09-01 add "Cancel Deal" --account Cxl --value 2000 --stage define)
stage=$(on_day 2026-09-01 add "Stage Deal" --account Stg --value 3000 --stage recognize)

review() {   # review SIZE [ARGS…]: the script on stdin, screens in $TMP
    size=$1; shift
    cat > "$TMP/script"
    DEALBOARD_TODAY=${DAY:-2026-11-20} DEALBOARD_SCRIPT="$TMP/script" DEALBOARD_SCRIPT_SIZE=$size \
        db "$@" > "$TMP/review.out" 2> "$TMP/review.err"
}
# The widest row of a screen, in display columns.
widest() { python3 -c 'import sys; print(max(len(l.rstrip("\n")) for l in open(sys.argv[1], encoding="utf-8")))' "$TMP/$1.txt"; }

# ---- one walk at 80x24 ---------------------------------------------------------
before=$(commit_count .)
review 80x24 review <<EOF
key t
key Enter
screen $TMP/rev1.txt
key Enter
screen $TMP/acme1.txt
key t
type Demo booked
key Enter
screen $TMP/acme2.txt
type Send the ROI model
key Enter
type +7
key Enter
screen $TMP/acme3.txt
type Three spreadsheets and a weekly call
key Enter
screen $TMP/acme4.txt
key Enter
screen $TMP/cancel1.txt
key t
key Enter
key Esc
screen $TMP/cancel2.txt
key Space
screen $TMP/stage1.txt
key L
key Esc
type Workshop with the CFO
key Enter
type 2026-12-01
key Enter
screen $TMP/stage2.txt
key Esc
screen $TMP/stage3.txt
type They lose two deals a month to faster quotes
key Enter
screen $TMP/end.txt
EOF
expect_eq "review exits 0" 0 $?
expect_eq "nothing on stderr" "" "$(cat "$TMP/review.err")"

# the moved-on deal touched on its revisit day: the next revisit date
expect_contains "revisit: the touch asks for the next revisit date" "Revisit again on: " "$(screen rev1)"
expect_contains "…pre-filled with today + 30 days" "Revisit again on: 2026-12-20" "$(screen rev1)"
expect_eq "revisit: the new date in the file" "2026-12-20" "$(field . "$rev" 'd["moved_on"]["revisit"]')"
expect_eq "…still moved on" "moved-on" "$(field . "$rev" 'd["status"]')"
expect_eq "…touched today" "2026-11-20" "$(field . "$rev" 'd["last_touch"]')"
expect_contains "…then the next deal" "2 of 4" "$(row acme1 0)"

# touch, then the next step (not the next deal)
expect_contains "after t: still the same deal" "2 of 4" "$(row acme2 0)"
expect_contains "after t: the next-step form" "Plan the next step" "$(screen acme2)"
expect_contains "…the touch is saved already" "Already handled today: touched" "$(screen acme2)"
expect_contains "define, no status quo: asked in words" "What does the buyer do today, and why do they feel safe?" "$(screen acme3)"
expect_contains "…on the prompt line" "Status quo:" "$(row acme3 23)"
expect_contains "then the insight, in words" "What should keep them awake at night?" "$(screen acme4)"
expect_contains "…on the prompt line" "Insight:" "$(row acme4 23)"
expect_eq "next step saved" "Send the ROI model" "$(field . "$acme" 'd["next_step"]["text"]')"
expect_eq "…with its due date" "2026-11-27" "$(field . "$acme" 'd["next_step"]["due"]')"
expect_eq "status quo saved in the seller's words" "Three spreadsheets and a weekly call" "$(field . "$acme" 'd["status_quo"]')"
expect_eq "an empty answer saves nothing" "" "$(field . "$acme" 'd.get("insight") or ""')"
expect_contains "after the questions: the next deal" "3 of 4" "$(row cancel1 0)"

# cancelling the next step keeps the touch and stays
expect_contains "Esc on the next step: stays on the deal" "3 of 4" "$(row cancel2 0)"
expect_contains "…and says what is missing" "touched; Cancel Deal has no next step: p plans one" "$(screen cancel2)"
expect_eq "…the touch is kept" "2026-11-20" "$(field . "$cancel" 'd["last_touch"]')"
expect_eq "…no next step" "null" "$(field . "$cancel" 'd.get("next_step")')"
# skipping it anyway: it goes, and says so
expect_contains "skip goes on" "4 of 4" "$(row stage1 0)"
expect_contains "…saying what the skipped deal lacks" "skipped Cancel Deal: it has no next step (k goes back, p plans one)" "$(screen stage1)"

# a stage move into Define: the next step, then the questions; Esc skips one
expect_contains "stage move without a next step: asked for one, then the status quo" "What does the buyer do today" "$(screen stage2)"
expect_contains "Esc skips the status quo: the insight next" "What should keep them awake at night?" "$(screen stage3)"
expect_eq "stage moved" "define" "$(field . "$stage" 'd["stage"]')"
expect_eq "its next step" "Workshop with the CFO" "$(field . "$stage" 'd["next_step"]["text"]')"
expect_eq "Esc saved no status quo" "" "$(field . "$stage" 'd.get("status_quo") or ""')"
expect_eq "the insight saved" "They lose two deals a month to faster quotes" "$(field . "$stage" 'd["insight"]')"

# the summary counts what was left without a next step
expect_contains "summary" "Today's review is done" "$(screen end)"
expect_contains "…counts deals left without a dated next step" "Left without a dated next step: 1" "$(screen end)"
expect_contains "…and names them" "- Cancel Deal has no next step" "$(screen end)"
expect_contains "…next steps set counts the follow-ups" "$(printf '  %-16s %s' 'next steps set' 2)" "$(screen end)"
expect_contains "…touched 3" "$(printf '  %-16s %s' touched 3)" "$(screen end)"

# the commits: one per change, in order
expect_eq "nine commits" $((before + 9)) "$(commit_count .)"
git log --format=%s -9 --reverse > "$TMP/log"
msg() { sed -n "${1}p" "$TMP/log"; }
expect_eq "1: touch" "Touch $rev" "$(msg 1)"
expect_eq "2: the next revisit" "Revisit $rev again on 2026-12-20" "$(msg 2)"
expect_eq "3: touch with its note" "Touch $acme: Demo booked" "$(msg 3)"
expect_eq "4: the next step" "Next step for $acme: Send the ROI model (due 2026-11-27)" "$(msg 4)"
expect_eq "5: the status quo" "Set $acme status_quo" "$(msg 5)"
expect_eq "6: the touch kept after Esc" "Touch $cancel" "$(msg 6)"
expect_eq "7: stage" "Move $stage: Recognize → Define" "$(msg 7)"
expect_eq "8: its next step" "Next step for $stage: Workshop with the CFO (due 2026-12-01)" "$(msg 8)"
expect_eq "9: the insight" "Set $stage insight" "$(msg 9)"
check "work tree clean" is_clean .

# ---- the moved-on deal stays out of the review until its new date -------------
DAY=2026-11-21 review 80x24 review <<EOF
screen $TMP/next1.txt
EOF
expect_not_contains "the next day: the revisited deal is not back" "Revisit Later" "$(screen next1)"
DAY=2026-12-20 review 80x24 review <<EOF
screen $TMP/next2.txt
EOF
expect_contains "on the new revisit date it is back" "Revisit Later" "$(screen next2)"

# ---- cancelling the revisit date keeps the touch; the deal stays --------------
rm -f .git/dealboard-review
before=$(commit_count .)
DAY=2026-12-20 review 80x24 review <<EOF
key t
key Enter
key Esc
screen $TMP/norev.txt
EOF
expect_eq "Esc on the revisit date: one commit (the touch)" $((before + 1)) "$(commit_count .)"
expect_eq "…the touch" "Touch $rev" "$(last_message .)"
expect_contains "…still on the deal" "Revisit Later" "$(screen norev)"
expect_contains "…saying it stays due" "no new revisit date: the deal stays due for review" "$(screen norev)"

# ---- 40x12: readable, and the rest scrolls -------------------------------------
small=$(new_repo small)
cd "$small" || exit 1
big=$(on_day 2026-09-01 add "A very long deal title that goes on well past forty columns" \
      --account "Long Account Name GmbH" --value 1234567 --stage explore)
db set "$big" insight "Their quotes take a week while the competitors answer the same day, and the buyers notice" > /dev/null
for n in 1 2 3 4; do db note "$big" "Note number $n, long enough to need a second row at forty columns" > /dev/null; done
on_day 2026-09-01 add "Zed Second" --account Zed --value 10 --stage explore > /dev/null
review 40x12 review <<EOF
screen $TMP/s1.txt
key PgDn
screen $TMP/s2.txt
key PgDn
key PgDn
key PgDn
screen $TMP/s3.txt
key PgUp
key PgUp
key PgUp
key PgUp
screen $TMP/s4.txt
key t
key Enter
type Call
key Enter
type +3
key Enter
screen $TMP/s5.txt
EOF
expect_contains "40x12: the long deal" "1 of 2" "$(row s1 0)"
for s in s1 s2 s3 s4 s5; do
    expect_eq "40x12 $s: twelve rows" 12 "$(wc -l < "$TMP/$s.txt")"
    check "40x12 $s: no row wider than 40 columns" test "$(widest "$s")" -le 40
done
expect_contains "40x12: a long title is cut with an ellipsis or wrapped" "A very long deal title" "$(screen s1)"
expect_contains "40x12: says there is more, with the key" "-- more below: PgDn --" "$(screen s1)"
expect_contains "40x12: the walk's hints come first" "Space skip  k back" "$(row s1 10)"
expect_contains "…help stays reachable" "? help" "$(screen s1)"
expect_not_contains "40x12: the log is below the fold at first" "Note number 4" "$(screen s1)"
expect_contains "PgDn scrolls" "-- more: PgDn down, PgUp up --" "$(screen s2)"
expect_contains "…to the end: the log" "number 1, long enough" "$(screen s3)"
expect_contains "…the end says how to go back up" "-- end: PgUp goes back up --" "$(screen s3)"
expect_contains "PgUp back to the top" "A very long deal title" "$(screen s4)"
expect_eq "…the same screen as at first" "$(screen s1)" "$(screen s4)"
expect_contains "40x12: the status quo question wraps, whole" "What does the buyer do today, and why" "$(screen s5)"
expect_contains "…its end on the next row" "they feel safe?" "$(screen s5)"
expect_contains "…above the prompt" "Status quo:" "$(row s5 11)"

# ---- --keys emacs: C-g goes back to the board, it does not quit ---------------
rm -f .git/dealboard-review
review 80x24 --keys emacs <<EOF
key r
screen $TMP/e1.txt
key C-g
screen $TMP/e2.txt
key r
screen $TMP/e3.txt
EOF
expect_eq "emacs: exits 0" 0 $?
expect_contains "emacs: r opens the review" "Daily review" "$(row e1 0)"
expect_not_contains "emacs: C-g leaves the review" "Daily review" "$(screen e2)"
expect_contains "…back on the board, still running" "Explore" "$(row e2 0)"
expect_contains "…and the review opens again" "Daily review" "$(row e3 0)"
review 40x12 --keys emacs review <<EOF
key C-v
screen $TMP/e4.txt
EOF
expect_contains "emacs: C-v scrolls the review" "-- more: PgDn down, PgUp up --" "$(screen e4)"
