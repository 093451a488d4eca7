#!/bin/sh
# The detail view's slip ledger at 80x24: every close-date change of the
# deal, with its day, from → to, +N/−N days and who made it, then the honest
# close date, right under the close date (no scrolling). The event index is
# read when the view opens, not when the board starts; opening changes nothing.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/screen.inc"
export TZ=UTC DEALBOARD_TODAY=2026-11-20

repo=$(new_repo)
cd "$repo" || exit 1
at() {
    GIT_AUTHOR_DATE="$1 12:00:00 +0000" GIT_COMMITTER_DATE="$1 12:00:00 +0000"
    export GIT_AUTHOR_DATE GIT_COMMITTER_DATE
}
at 2026-10-01
acme=$(db add "Acme Rollout" --account Acme --value 85000 --stage define --close 2026-12-01)
db add "Small Thing" --account Tiny --value 2000 --stage define --close 2026-12-10 > /dev/null
at 2026-10-15; db set "$acme" close_date 2026-12-20 > /dev/null
at 2026-11-02; GIT_AUTHOR_NAME="Marco Rossi" db set "$acme" close_date 2027-01-15 > /dev/null
at 2026-11-10; db set "$acme" close_date 2027-01-05 > /dev/null
before=$(state "$repo")

board 80x24 <<EOF
screen $TMP/board.txt
EOF
if [ -f .git/dealboard-events ]; then fail "the board alone read the history"
else ok "the board alone does not read the history"; fi

board 80x24 <<EOF
$(select_deal "Acme Rollout")
key Enter
screen $TMP/detail.txt
key q
$(select_deal "Small Thing")
key Enter
screen $TMP/none.txt
EOF
d=$(screen detail)
expect_contains "the close date with its pushes" "Close date     2027-01-05 (pushed 2×)" "$d"
expect_contains "the first push, its day and author" \
    "2026-10-15  2026-12-01 → 2026-12-20  +19 days  Test Seller" "$d"
expect_contains "the second push, by its author" \
    "2026-11-02  2026-12-20 → 2027-01-15  +26 days  Marco Rossi" "$d"
expect_contains "the pull-in counts down" "2026-11-10  2027-01-15 → 2027-01-05  −10 days" "$d"
expect_contains "the honest close date: not enough history here" \
    "Honest close   2027-01-05 as stated (not enough history" "$d"
expect_eq "three changes, each on its own row" 3 "$(grep -c ' → ' "$TMP/detail.txt")"
expect_not_contains "a deal never changed has no ledger rows" " → " "$(screen none)"
expect_contains "…but its honest close date" "Honest close   2026-12-10" "$(screen none)"
if [ -f .git/dealboard-events ]; then ok "the detail view read the event index"
else fail "no event index after the detail view"; fi
expect_eq "every row fits 80 columns" "" "$(awk 'length($0) > 80' "$TMP/detail.txt")"
expect_unchanged "opening the detail view changed nothing" "$repo" "$before"
