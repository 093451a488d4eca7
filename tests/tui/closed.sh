#!/bin/sh
# Issue 14: closed deals (won, lost, moved on) can be seen and reopened on the
# board, and snoozed deals are marked. Script mode; every check looks at the
# saved deal files and commits as well as the screen.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/screen.inc"
# Log times are UTC and the closing day comes from them: one zone for both.
export TZ=UTC

repo=$(new_repo)
cd "$repo" || exit 1
won=$(on_day 2026-10-01 add "Won Deal" --account Winco --value 120000 --stage decide)
lost=$(on_day 2026-10-01 add "Lost Deal" --account Loseco --value 40000 --stage evaluate)
gone=$(on_day 2026-10-01 add "Gone Deal" --account Goneco --value 190000 --stage explore)
on_day 2026-10-01 set "$gone" currency CHF > /dev/null
open=$(on_day 2026-10-01 add "Open Deal" --account Openco --value 10000 --stage define)
# Stalled (more than 30 days in Explore) and never touched: flagged, unless snoozed.
nap=$(on_day 2026-09-01 add "Nap Deal" --account Napco --value 5000 --stage explore)
# Closed on different days: the view lists the latest first (lost, moved on, won).
on_day 2026-11-02 won "$won" --reason "Signed the pilot" > /dev/null
on_day 2026-11-10 moveon "$gone" --reason "No budget" --revisit 2027-03-01 > /dev/null
on_day 2026-11-15 lost "$lost" --reason "Chose a competitor" > /dev/null
export DEALBOARD_TODAY=2026-11-20


# ---- the list: latest first, with outcome, date, value, title, account, why
before=$(commit_count .)
board 120x24 <<EOF
key C
screen $TMP/list.txt
key j
key Enter
screen $TMP/detail.txt
key q
key f
screen $TMP/won.txt
key f
key f
screen $TMP/movedon.txt
key f
key R
screen $TMP/reopen_ask.txt
key n
screen $TMP/reopen_no.txt
key q
EOF
expect_eq "closed view: the board exits 0" 0 $?
expect_eq "…nothing on stderr" "" "$(cat "$TMP/board.err")"
expect_contains "title counts each outcome" "Closed deals: 1 won, 1 lost, 1 moved on" "$(row list 0)"
expect_contains "column headings" "OUTCOME  CLOSED" "$(row list 1)"
expect_contains "first: the latest close (lost, with its reason)" \
    "lost     2026-11-15       40k  Lost Deal" "$(row list 2)"
expect_contains "…its account and reason" "Loseco" "$(row list 2)"
expect_contains "…why it was lost" "Chose a competitor" "$(row list 2)"
expect_contains "second: moved on, in CHF (not the pipeline's currency)" \
    "moved on 2026-11-10  190k CHF  Gone Deal" "$(row list 3)"
expect_contains "…its reason and revisit date" "No budget; revisit 2027-03-01" "$(row list 3)"
expect_contains "third: the earliest close (won)" "won      2026-11-02      120k  Won Deal" "$(row list 4)"
expect_contains "…why it was won" "Signed the pilot" "$(row list 4)"
expect_not_contains "open deals are not listed" "Open Deal" "$(screen list)"
expect_contains "key hints from the keymap" "Enter detail  R reopen" "$(screen list)"
expect_contains "Enter: the detail view of the selected deal" "Gone Deal" "$(row detail 1)"
expect_contains "…its status says R reopens it" "moved-on (R reopens it)" "$(screen detail)"
expect_contains "f: won deals only" "showing: won" "$(row won 0)"
expect_contains "…the won deal listed" "Won Deal" "$(row won 2)"
expect_not_contains "…not the lost one" "Lost Deal" "$(screen won)"
expect_contains "f f: moved-on deals only" "Gone Deal" "$(row movedon 2)"
expect_not_contains "…not the won one" "Won Deal" "$(screen movedon)"
expect_contains "R asks first, naming the deal" \
    "Reopen 'Gone Deal' (190,000 CHF) (moved on)? y/n" "$(row reopen_ask 23)"
expect_contains "n: nothing changed, and it says so" "not reopened: nothing changed" "$(screen reopen_no)"
expect_contains "…still listed" "Gone Deal" "$(screen reopen_no)"
expect_eq "…nothing committed" "$before" "$(commit_count .)"
expect_eq "…the file still says moved-on" "moved-on" "$(field . "$gone" 'd["status"]')"

# ---- reopen: R then y commits, and the board selects the deal in its stage
board 100x24 <<EOF
key C
key j
key R
key y
screen $TMP/reopened.txt
key Enter
screen $TMP/reopened_detail.txt
EOF
expect_eq "R y: the deal is open again" "open" "$(field . "$gone" 'd["status"]')"
expect_eq "…in the stage it had" "explore" "$(field . "$gone" 'd["stage"]')"
expect_eq "…the move-on record is gone" "null" "$(field . "$gone" 'd.get("moved_on")')"
expect_eq "…in one commit" $((before + 1)) "$(commit_count .)"
expect_eq "…saying what it did" "Reopen $gone" "$(last_message .)"
check "…work tree clean" is_clean .
expect_contains "back on the board" "Explore" "$(row reopened 0)"
expect_contains "…saying so on the status line" "Reopen $gone" "$(row reopened 22)"
expect_contains "…with the deal selected: Enter opens it" "Gone Deal" "$(row reopened_detail 1)"
expect_contains "…it is open" "Status         open" "$(screen reopened_detail)"

# ---- R on an open deal; R from the detail view of a closed deal -----------
before=$(commit_count .)
board 100x24 <<EOF
key /
type Open Deal
key Enter
key R
screen $TMP/already.txt
key C
key j
key Enter
key R
screen $TMP/detail_ask.txt
key y
key q
screen $TMP/after_detail.txt
key Enter
screen $TMP/after_detail2.txt
EOF
expect_contains "R on an open deal: already open" "'Open Deal' (10,000 EUR) is already open" \
    "$(row already 22)"
expect_contains "R in the detail view asks too" "Reopen 'Won Deal' (120,000 EUR) (won)? y/n" \
    "$(row detail_ask 23)"
expect_eq "…y reopens it" "open" "$(field . "$won" 'd["status"]')"
expect_eq "…one commit (none for the open deal)" $((before + 1)) "$(commit_count .)"
expect_eq "…saying so" "Reopen $won" "$(last_message .)"
expect_contains "back from the detail: the board, not the closed list" "Decide" "$(row after_detail 0)"
expect_contains "…with the reopened deal selected" "Won Deal" "$(row after_detail2 1)"

# ---- snoozed deals are marked, their flag is not shown ---------------------
board 100x24 <<EOF
key /
type Nap Deal
key Enter
screen $TMP/flagged.txt
EOF
# flagged TEXT: the card's title line carries a flag mark (⚑, !! or !).
flagged() { printf '%s\n' "$1" | grep -q -e '⚑ Nap Deal' -e '! Nap Deal'; }
check "before the snooze: Nap Deal flagged" flagged "$(screen flagged)"
db snooze "$nap" --until 2026-12-01 --reason "Back from leave in December" > /dev/null
board 100x24 <<EOF
key /
type Nap Deal
key Enter
screen $TMP/snoozed.txt
key Enter
screen $TMP/snoozed_detail.txt
EOF
expect_contains "snoozed: the z mark on its card" "z Nap Deal" "$(screen snoozed)"
not_flagged() { ! flagged "$1"; }
check "…and no flag" not_flagged "$(screen snoozed)"
expect_contains "the detail view says until when" "snoozed until 2026-12-01" "$(screen snoozed_detail)"
board 200x24 <<EOF
screen $TMP/wide.txt
key q
EOF
expect_contains "a wide card says until when too" "until 12-01" "$(screen wide)"

# ---- a long list scrolls; a narrow screen keeps outcome, date, value, title
for i in 1 2 3 4 5 6 7 8; do
    id=$(on_day 2026-10-01 add "Old $i" --account "Old" --value 1000)
    on_day "2026-10-1$i" lost "$id" > /dev/null
done
board 40x10 <<EOF
key C
screen $TMP/narrow.txt
key G
screen $TMP/bottom.txt
key k
key k
key k
key k
key k
key k
screen $TMP/up.txt
EOF
# Closed now: Lost Deal (11-15), then Old 8 (10-18) … Old 1 (10-11); six rows show.
expect_contains "narrow: outcome, date, value and title" "lost  2026-11-15       40k  Lost Deal" "$(row narrow 2)"
expect_contains "…the sixth row is the last on screen" "Old 4" "$(row narrow 7)"
expect_not_contains "…the seventh is below" "Old 3" "$(screen narrow)"
expect_contains "G: the oldest close at the bottom" "lost  2026-10-11      1000  Old 1" "$(row bottom 7)"
expect_contains "…the title bar counts them" "0 won, 9 lost" "$(row bottom 0)"
expect_not_contains "…the first rows scrolled away" "Lost Deal" "$(screen bottom)"
expect_contains "k six times: the list scrolls back" "Old 7" "$(row up 2)"

# ---- a deal won on the board shows in the closed view at once, dated and
# with its reason: the board's light deals carry both (no file is read).
late=$(on_day 2026-10-01 add "Late Win" --account Lateco --value 7000 --stage decide)
before=$(commit_count .)
{ select_deal "Late Win"; cat <<EOF2; } | board 120x24
key w
key y
type Signed on the board
key Enter
key C
screen $TMP/late.txt
EOF2
expect_eq "won on the board: one commit" $((before + 1)) "$(commit_count .)"
expect_eq "…the file says won" "won" "$(field . "$late" 'd["status"]')"
expect_contains "…first in the closed view, closed today" "won      2026-11-20      7000  Late Win" \
    "$(row late 2)"
expect_contains "…with the reason just typed" "Signed on the board" "$(row late 2)"
