#!/bin/sh
# The daily review in script mode (DEALBOARD_SCRIPT): a walk through a small
# pipeline taking every action once, then the files, the commits (one per
# change, with its message) and the summary screen.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/screen.inc"

repo=$(new_repo)
cd "$repo" || exit 1
# Nine deals in today's queue (2026-11-20): one moved-on deal whose revisit
# date came, then eight "move on?" deals of equal score (80 days in Explore,
# never touched, no next step, no status quo), which the queue orders by title.
rev=$(on_day 2026-10-01 add "Revisit Later" --account Rev --value 5000)
on_day 2026-10-01 moveon "$rev" --reason "no budget this year" --revisit 2026-11-15 > /dev/null
for t in "A1 Touch" "A2 Next" "A3 Stage" "A4 MoveOn" "A5 Won" "A6 Lost" "A7 Snooze" "A8 Skip"; do
    on_day 2026-09-01 add "$t" --account "Acct ${t%% *}" --value 10000 --stage explore > /tmp/id.$$
    eval "$(echo "${t%% *}" | tr 'A-Z' 'a-z')=\$(cat /tmp/id.$$)"
done
rm -f /tmp/id.$$
# Not in the queue: a quiet, healthy deal.
calm=$(db add "Calm Deal" --account Calm --value 1000 --stage define --next "Call" --due 2026-12-01)
db set "$calm" status_quo "Spreadsheets" > /dev/null
db set "$calm" insight "Losing deals" > /dev/null
file_of() { echo "deals/$(printf %s "$1" | tail -c 2)/$1.json"; }

# review SIZE: runs `dealboard review` on the script read from stdin.
review() {
    cat > "$TMP/script"
    DEALBOARD_SCRIPT="$TMP/script" DEALBOARD_SCRIPT_SIZE=$1 db review > "$TMP/review.out" 2> "$TMP/review.err"
}

before=$(commit_count .)
review 80x24 <<EOF
screen $TMP/r1.txt
key R
key y
type Catch up with the new budget owner
key Enter
type +14
key Enter
screen $TMP/r2.txt
key t
type Called Anna, she is back from leave
key Enter
type Book the pilot kickoff
key Enter
type 2026-11-25
key Enter
type Excel and a weekly call
key Enter
key Enter
key p
type Send the ROI model
key Enter
type 2026-11-27
key Enter
key Esc
key Esc
key L
key Esc
type Demo for the team
key Enter
type +5
key Enter
key Esc
key Esc
key o
key y
type Chose a competitor
key Enter
type +90
key Enter
key w
key y
type Signed today
key Enter
key x
key y
type Lost on price
key Enter
key z
type 2026-12-01
key Enter
type Waiting for the budget round
key Enter
screen $TMP/r9.txt
key Space
screen $TMP/r10.txt
key k
screen $TMP/r11.txt
key Space
screen $TMP/end.txt
EOF
expect_eq "review exits 0 at the end of the script" 0 $?
expect_eq "nothing on stderr" "" "$(cat "$TMP/review.err")"

# ---- the first screen ------------------------------------------------------
expect_contains "position and category" "Daily review · 1 of 9 · due for review" "$(row r1 0)"
expect_contains "today's date on the top bar" "2026-11-20" "$(row r1 0)"
expect_contains "title" "Revisit Later" "$(screen r1)"
expect_contains "account, value, stage, days in stage" "Rev · 5,000 EUR · Status quo, 50 days in stage" "$(screen r1)"
expect_contains "closed status shown" "Status: moved-on" "$(screen r1)"
expect_contains "why, in words" "revisit date 2026-11-15 came 5 days ago; moved on: no budget this year" "$(screen r1)"
expect_contains "status quo and insight" "Status quo: -" "$(screen r1)"
expect_contains "next step state" "Next step:  none" "$(screen r1)"
expect_contains "recent log" "Moved on: no budget this year" "$(screen r1)"
expect_contains "reopen hint for a moved-on deal" "R reopen" "$(screen r1)"
expect_contains "skip/back/quit hints" "Space skip  k back" "$(screen r1)"
expect_contains "after reopen: the next deal" "Daily review · 2 of 9 · move on?" "$(row r2 0)"
expect_contains "flag reasons in words" "- 80 days in Explore, limit 30" "$(screen r2)"
expect_contains "flag level and score" "Why: move on? (score 6)" "$(screen r2)"
expect_contains "open-deal hints from the keymap" "t touch  p next step  H/L stage  m choose stage  o move on  w won  x lost" "$(screen r2)"
expect_contains "reopen, then its next step: the last commit's message on the status line" "Next step for $rev" "$(screen r2)"
expect_contains "deal 9 after seven actions" "Daily review · 9 of 9 · move on?" "$(row r9 0)"
expect_contains "…is A8" "A8 Skip" "$(screen r9)"
expect_contains "skip: the summary" "Today's review is done" "$(screen r10)"
expect_contains "back: the skipped deal again" "Daily review · 9 of 9" "$(row r11 0)"
expect_contains "…marked as handled" "Already handled today: skipped" "$(screen r11)"

# ---- the summary -----------------------------------------------------------
end=$(screen end)
for pair in "reviewed:9" "touched:1" "next steps set:4" "moved stage:1" "moved on:1" \
            "won:1" "lost:1" "snoozed:1" "reopened:1" "skipped:1"; do
    label=${pair%:*} n=${pair##*:}
    expect_contains "summary: $label $n" "$(printf '  %-16s %s' "$label" "$n")" "$end"
done

expect_contains "summary: the deal skipped without a next step" "Left without a dated next step: 1" "$end"
expect_contains "…named" "- A8 Skip has no next step" "$end"

# ---- the files ---------------------------------------------------------------
expect_eq "reopened: open again" "open" "$(field . "$rev" 'd["status"]')"
expect_eq "reopened: then its next step (2026-11-20 + 14)" "Catch up with the new budget owner 2026-12-04" \
    "$(field . "$rev" 'd["next_step"]["text"] + " " + d["next_step"]["due"]')"
expect_eq "touch: then the next step" "Book the pilot kickoff 2026-11-25" \
    "$(field . "$a1" 'd["next_step"]["text"] + " " + d["next_step"]["due"]')"
expect_eq "touch: then the status quo (Explore is after Define)" "Excel and a weekly call" "$(field . "$a1" 'd["status_quo"]')"
expect_eq "…the insight left empty" "" "$(field . "$a1" 'd.get("insight") or ""')"
expect_eq "stage move: then the next step" "Demo for the team 2026-11-25" \
    "$(field . "$a3" 'd["next_step"]["text"] + " " + d["next_step"]["due"]')"
expect_eq "touch: last_touch today" "2026-11-20" "$(field . "$a1" 'd["last_touch"]')"
expect_eq "touch: note in the log (before the next step's entry)" "touch: Called Anna, she is back from leave" \
    "$(field . "$a1" 'd["log"][-2]["kind"] + ": " + d["log"][-2]["text"]')"
expect_eq "next step text" "Send the ROI model" "$(field . "$a2" 'd["next_step"]["text"]')"
expect_eq "next step due" "2026-11-27" "$(field . "$a2" 'd["next_step"]["due"]')"
expect_eq "stage moved" "evaluate" "$(field . "$a3" 'd["stage"]')"
expect_eq "moved on" "moved-on" "$(field . "$a4" 'd["status"]')"
expect_eq "move-on reason" "Chose a competitor" "$(field . "$a4" 'd["moved_on"]["reason"]')"
expect_eq "move-on revisit (+90 days)" "2027-02-18" "$(field . "$a4" 'd["moved_on"]["revisit"]')"
expect_eq "won" "won" "$(field . "$a5" 'd["status"]')"
expect_eq "lost" "lost" "$(field . "$a6" 'd["status"]')"
expect_eq "snoozed until" "2026-12-01" "$(field . "$a7" 'd["snooze"]["until"]')"
expect_eq "snooze reason" "Waiting for the budget round" "$(field . "$a7" 'd["snooze"]["reason"]')"
expect_eq "skipped deal unchanged (one commit: created)" 1 "$(git log --format=%h -- "$(file_of "$a8")" | wc -l)"
check "work tree clean" is_clean .

# ---- the commits: one per change, in order -------------------------------
# Eight actions, and the follow-ups the review asks for: the reopened deal's
# next step, the touched deal's next step and status quo, the moved deal's
# next step (the questions cancelled or left empty commit nothing).
expect_eq "twelve commits for twelve changes" $((before + 12)) "$(commit_count .)"
git log --format=%s -12 --reverse > "$TMP/log"
msg() { sed -n "${1}p" "$TMP/log"; }
expect_eq "commit 1: reopen" "Reopen $rev" "$(msg 1)"
expect_eq "commit 2: its next step" "Next step for $rev: Catch up with the new budget owner (due 2026-12-04)" "$(msg 2)"
expect_eq "commit 3: touch with the note" "Touch $a1: Called Anna, she is back from leave" "$(msg 3)"
expect_eq "commit 4: its next step" "Next step for $a1: Book the pilot kickoff (due 2026-11-25)" "$(msg 4)"
expect_eq "commit 5: its status quo" "Set $a1 status_quo" "$(msg 5)"
expect_eq "commit 6: next step" "Next step for $a2: Send the ROI model (due 2026-11-27)" "$(msg 6)"
expect_eq "commit 7: stage" "Move $a3: Explore → Evaluate" "$(msg 7)"
expect_eq "commit 8: its next step" "Next step for $a3: Demo for the team (due 2026-11-25)" "$(msg 8)"
expect_eq "commit 9: move on with revisit" "Move on from $a4: Chose a competitor (revisit 2027-02-18)" "$(msg 9)"
expect_eq "commit 10: won" "Won $a5: Signed today" "$(msg 10)"
expect_eq "commit 11: lost" "Lost $a6: Lost on price" "$(msg 11)"
expect_eq "commit 12: snooze" "Snooze $a7 until 2026-12-01: Waiting for the budget round" "$(msg 12)"
expect_eq "each commit changes one deal file" "1 1 1 1 1 1 1 1 1 1 1 1" \
    "$(for i in 0 1 2 3 4 5 6 7 8 9 10 11; do git show --format= --name-only "HEAD~$i" | grep -c '^deals/'; done | tr '\n' ' ' | sed 's/ $//')"
