#!/bin/sh
# Status-quo clusters on the board (SPEC §9, issue 18): K opens the deals by
# cluster (deals, open, win rate, where they stall, the insights that
# worked); Enter shows the board with that cluster's deals only, the same
# filter as cluster:NAME typed at the filter prompt. 80x24, 24x8, LANG=C.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/screen.inc"
export TZ=UTC DEALBOARD_TODAY=2026-11-20

repo=$(new_repo)
cd "$repo" || exit 1
# fax: an insight written in Define, then the deal moved to Evaluate (it
# worked); one won after its insight; one open without an insight.
f1=$(db add "Fax One" --stage define --next Call --due +3)
db set "$f1" cluster fax > /dev/null
db set "$f1" insight "Faxes get lost at month end" > /dev/null
db move "$f1" evaluate > /dev/null 2>&1
f2=$(db add "Fax Two" --stage define --next Call --due +3)
db set "$f2" cluster " fax " > /dev/null
f3=$(db add "Fax Won" --stage explore --next Call --due +3)
db set "$f3" cluster fax > /dev/null
db set "$f3" insight "$(printf 'Audits failed \033[2Jtwice')" > /dev/null
db won "$f3" > /dev/null
# spreadsheets: one open, one lost in Explore, an insight that never moved.
s1=$(db add "Sheet Open" --stage explore --next Call --due +3)
db set "$s1" cluster spreadsheets > /dev/null
db set "$s1" insight "Never moved on" > /dev/null
s2=$(db add "Sheet Lost" --stage explore --next Call --due +3)
db set "$s2" cluster spreadsheets > /dev/null
db lost "$s2" > /dev/null
# no cluster
db add "Loner Deal" --stage define --next Call --due +3 > /dev/null

# ---- the screen, and Enter filters the board ---------------------------------
before=$(commit_count .)
board 80x24 <<EOF
key K
screen $TMP/list.txt
key j
screen $TMP/second.txt
key k
key Enter
screen $TMP/board.txt
key q
EOF
expect_eq "clusters: the board exits 0" 0 $?
expect_eq "…nothing on stderr" "" "$(cat "$TMP/board.err")"
expect_contains "title: how many clusters" "Clusters (status quo): 3" "$(row list 0)"
expect_contains "column headings" "CLUSTER" "$(row list 1)"
expect_contains "…deals, open, win rate, where they stall" "DEALS OPEN  WIN  STALLS MOST IN" "$(row list 1)"
expect_eq "fax first (most deals): 3 deals, 2 open, 100% won, no stall" \
    "fax 3 2 100% -" "$(row list 2 | awk '{print $1, $2, $3, $4, $5}')"
expect_eq "spreadsheets: 2 deals, 1 open, 0%, stalls in Explore (its lost deal)" \
    "spreadsheets 2 1 0% Explore (1)" "$(row list 3 | awk '{print $1, $2, $3, $4, $5, $6}')"
expect_eq "(none) last" "(none) 1 1 - -" "$(row list 4 | awk '{print $1, $2, $3, $4, $5}')"
expect_contains "insights of the selected cluster" "Insights that worked in fax" "$(screen list)"
expect_contains "…where it was written and where the deal went" \
    "Define -> Evaluate: Faxes get lost at month end ($f1)" "$(screen list)"
expect_contains "…a won deal, its text sanitized" "Explore -> won: Audits failed" "$(screen list)"
expect_not_contains "…no escape sequence on screen" "$(printf '\033')" "$(screen list)"
expect_contains "key hints from the keymap" "Enter its deals on the board  q back" "$(screen list)"
expect_contains "j: the next cluster's insights" "Insights that worked in spreadsheets" "$(screen second)"
expect_contains "…an insight whose deal never moved is not one" "none yet" "$(screen second)"
expect_not_contains "…Never moved on is not listed" "Never moved on" "$(screen second)"
expect_contains "Enter: the board, filtered" "filter: cluster:fax" "$(screen board)"
expect_contains "…says how many open deals it shows" "filter cluster:fax: 2 open deals" "$(screen board)"
expect_contains "…the board's totals count them only" "Open 2 " "$(row board 23)"
expect_contains "…the one spelled with blanks is in it" "Fax Two" "$(screen board)"
expect_not_contains "…not one without a cluster" "Loner Deal" "$(screen board)"
expect_eq "nothing committed" "$before" "$(commit_count .)"

# ---- the same filter typed at the filter prompt (every stage on screen) -------
board 160x24 <<EOF
key K
key Enter
screen $TMP/wide.txt
key f
key C-u
type cluster:spreadsheets
key Enter
screen $TMP/typed.txt
key f
key C-u
type cluster:(none)
key Enter
screen $TMP/none.txt
key f
key C-u
type cluster:
key Enter
screen $TMP/bad.txt
key q
EOF
expect_contains "Enter, wide: Fax One (in Evaluate)" "Fax One" "$(screen wide)"
expect_contains "…Fax Two" "Fax Two" "$(screen wide)"
expect_not_contains "…not another cluster's" "Sheet Open" "$(screen wide)"
expect_not_contains "…not one without a cluster" "Loner Deal" "$(screen wide)"
expect_contains "typed cluster:spreadsheets: its deal" "Sheet Open" "$(screen typed)"
expect_not_contains "…not the fax ones" "Fax One" "$(screen typed)"
expect_contains "cluster:(none): the deal without one" "Loner Deal" "$(screen none)"
expect_not_contains "…not the fax ones" "Fax Two" "$(screen none)"
expect_contains "cluster: with no name is refused in words" \
    "filter: 'cluster:' is not mine, flagged" "$(screen bad)"

# ---- small screens and LANG=C -------------------------------------------------
board 80x24 <<EOF
key K
resize 24x8
screen $TMP/s24.txt
resize 80x24
screen $TMP/back80.txt
key q
screen $TMP/after.txt
EOF
expect_contains "24x8: the list still shows" "fax" "$(row s24 2)"
expect_contains "24x8: the way back" "q back" "$(screen s24)"
expect_eq "24x8: nothing wider than the screen" "" "$(too_wide 24 s24)"
expect_contains "resized back: the insights again" "Insights that worked in fax" "$(screen back80)"
expect_not_contains "q: back to the board" "Insights that worked" "$(screen after)"

# Written again in Evaluate, then moved to Decide: the new text counts from Evaluate.
db set "$f1" insight "Faxes über alles, always" > /dev/null
db move "$f1" decide > /dev/null 2>&1
LC_ALL=C LANG=C board 80x24 <<EOF
key K
screen $TMP/c80.txt
EOF
if LC_ALL=C grep -q '[^ -~]' "$TMP/c80.txt"; then
    fail "LANG=C: only ASCII on screen" "$(LC_ALL=C grep -n '[^ -~]' "$TMP/c80.txt" | head -3)"
else ok "LANG=C: only ASCII on screen"; fi
expect_contains "LANG=C: the insight written in Evaluate, then Decide" \
    "Evaluate -> Decide: Faxes" "$(screen c80)"
