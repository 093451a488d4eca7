#!/bin/sh
# `board --as-of DATE` in script mode: the board of a past day shows that
# day's deals and says which commit; every key that would change something
# is refused with "read-only: as of DATE", on the board and in the detail
# view, and the repository is left exactly as it was (no commit, no sync,
# no file written).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/screen.inc"
export TZ=UTC

# at DAY: commits dated DAY (noon UTC) and dealboard's today DAY.
at() {
    export GIT_AUTHOR_DATE="$1T12:00:00Z" GIT_COMMITTER_DATE="$1T12:00:00Z" DEALBOARD_TODAY="$1"
}
# past_board DAY SIZE: the board as of DAY on the script from stdin.
past_board() {
    cat > "$TMP/script"
    DEALBOARD_SCRIPT="$TMP/script" DEALBOARD_SCRIPT_SIZE=$2 db board --as-of "$1" \
        > "$TMP/board.out" 2> "$TMP/board.err"
}

at 2025-03-03
repo=$(new_repo)
cd "$repo" || exit 1
at 2025-03-04
acme=$(db add "Acme Rollout" --account Acme --value 85000 --stage define --next "Call" --due 2025-03-20)
at 2025-03-06
db note "$acme" "later note" > /dev/null
db move "$acme" explore > /dev/null
at 2025-03-10
db add "Newer Deal" --account Later --value 1000 > /dev/null
unset GIT_AUTHOR_DATE GIT_COMMITTER_DATE
export DEALBOARD_TODAY=2025-03-12
# A remote, so that a sync would have somewhere to go.
git init -q --bare "$TMP/remote.git"
git remote add origin "$TMP/remote.git"
git push -q origin main 2> /dev/null

c5=$(git log --first-parent --format=%H --until=2025-03-05T23:59:59Z -1)
before=$(state .)
head=$(git rev-parse HEAD)
past_board 2025-03-05 100x30 <<EOF
screen $TMP/start.txt
key >
screen $TMP/move.txt
key c
screen $TMP/note.txt
key w
key a
key u
key S
key r
screen $TMP/keys.txt
key Enter
key End
screen $TMP/detail.txt
key x
screen $TMP/detail_lost.txt
key q
key q
EOF
rc=$?
expect_eq "the board of a past day opens and quits (exit 0)" "0 " "$rc $(cat "$TMP/board.err")"
expect_contains "it shows the deal of that day" "Acme Rollout" "$(screen start)"
expect_not_contains "…not the deal added on the 10th" "Newer Deal" "$(screen start)"
expect_contains "…in the stage it had that day (Define, moved on the 6th)" "Define           1 · 85k" \
    "$(row start 0)"
expect_contains "the detail view's git history ends at that day's commit" \
    "2025-03-04 $(printf %.7s "$c5") Test Seller: Add" "$(screen detail)"
expect_contains "the status row says which day and commit" \
    "as of 2025-03-05 (commit $(printf %.7s "$c5") of 2025-03-04)" "$(row start 28)"
expect_contains "the first message says read-only" "read-only: as of 2025-03-05" "$(row start 28)"
expect_contains "> (stage-next) is refused with words" "read-only: as of 2025-03-05" "$(row move 28)"
expect_not_contains "…no prompt opens for c (note)" "Note" "$(row note 29)"
expect_contains "c (note) is refused" "read-only: as of 2025-03-05" "$(row note 28)"
expect_contains "w, a, u, S, r are refused too" "read-only: as of 2025-03-05" "$(row keys 28)"
expect_not_contains "the detail view has no note of the 6th" "later note" "$(screen detail)"
expect_contains "x (lost) in the detail view is refused" "read-only: as of 2025-03-05" \
    "$(screen detail_lost)"
expect_unchanged "nothing in the work tree, index or HEAD changed" . "$before"
assert_head_unchanged . "$head" "HEAD is where it was"
expect_eq "nothing was pushed (no sync)" "$head" "$(git -C "$TMP/remote.git" rev-parse main)"
expect_eq "git status is clean" "" "$(git status --porcelain)"
assert_invariants . "the repository contract holds"

# The messages view keeps every refusal: one per key.
past_board 2025-03-05 100x30 <<EOF
key w
key M
screen $TMP/messages.txt
key q
key q
EOF
expect_contains "the messages view has the refusal" "read-only: as of 2025-03-05" "$(screen messages)"

# The history figures are learnt up to now: a past board does not show them.
past_board 2025-03-05 100x30 <<EOF
key Enter
screen $TMP/detail_close.txt
key q
key v
screen $TMP/charts.txt
key q
key q
EOF
expect_contains "the detail view: no close-date changes learnt from later days" \
    "not in a pipeline as of a past day" "$(screen detail_close)"
expect_contains "the charts: the history figures are not drawn" "not in a pipeline as of a past day" \
    "$(screen charts)"
expect_not_contains "…and no flow of later days" "Open at end" "$(screen charts)"

rejects "board --as-of a day before the first commit" . 1 "history starts on 2025-03-03" \
    db board --as-of 2025-03-01
