#!/bin/sh
# A review that is mine: from the board (r) the review shows my deals (git
# name or e-mail), or the board's mine/owner:NAME filter; the scope key (a)
# switches to the whole team and back; `dealboard review` shows everyone's
# unless --mine/--owner; without a git identity it is the team's, and says so.
# A change made in the review commits to the deal on screen.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/screen.inc"

repo=$(new_repo)
cd "$repo" || exit 1
# Four "move on?" deals of equal score (35 days in Explore), shown in title order.
add() { DEALBOARD_TODAY=2026-09-01 db add "$1" --account "$1" --value 1000 --stage explore --owner "$2"; }
anna=$(add "A Anna deal" "Anna")
bo=$(add "B Bo deal" "Bo <bo@example.com>")
mine1=$(add "C My deal" "test seller")
mine2=$(add "D My mail deal" "SELLER@example.com")

run() {   # run [dealboard args…]: script on stdin, screens in $TMP
    cat > "$TMP/script"
    DEALBOARD_SCRIPT="$TMP/script" DEALBOARD_SCRIPT_SIZE=100x30 db "$@" \
        > "$TMP/run.out" 2> "$TMP/run.err"
}
fresh_day() { rm -f .git/dealboard-review; }

# ---- r on the board: my deals (name and e-mail), a note commits to the one on screen
before=$(commit_count .)
run board <<EOF
key r
screen $TMP/a1.txt
key c
type phoned the CFO
key Enter
screen $TMP/a2.txt
key Space
screen $TMP/a3.txt
key Space
screen $TMP/a4.txt
EOF
expect_eq "board + review exit 0" 0 $?
expect_contains "the top bar says whose deals" "your deals" "$(row a1 0)"
expect_contains "two of them: name and e-mail" "1 of 2" "$(row a1 0)"
expect_contains "…the one by name first" "C My deal" "$(screen a1)"
expect_not_contains "…not Anna's" "A Anna deal" "$(screen a1)"
expect_eq "the note is one commit" $((before + 1)) "$(commit_count .)"
expect_contains "…on the deal on screen" "$mine1" "$(last_message .)"
expect_eq "…in its log" "phoned the CFO" "$(field . "$mine1" 'd["log"][-1]["text"]')"
expect_eq "…and no other deal changed" "" "$(git diff --name-only HEAD~1 HEAD | grep -v "$mine1")"
expect_contains "skip: the deal by e-mail" "D My mail deal" "$(screen a3)"
expect_contains "…2 of 2" "2 of 2" "$(row a3 0)"
expect_contains "then the end" "review is done" "$(screen a4)"
expect_not_contains "Bo's and Anna's never came" "B Bo deal" "$(screen a2)$(screen a3)$(screen a4)"

# ---- the board's owner:NAME filter carries into the review
fresh_day
run board <<EOF
key f
type owner:bo@example.com
key Enter
key r
screen $TMP/b1.txt
key Space
screen $TMP/b2.txt
EOF
expect_contains "owner: filter → the review of that owner" "owner: bo@example.com" "$(row b1 0)"
expect_contains "…1 of 1" "1 of 1" "$(row b1 0)"
expect_contains "…Bo's deal" "B Bo deal" "$(screen b1)"
expect_contains "…and nothing else" "review is done" "$(screen b2)"

# ---- mine filter carries too; the scope key shows the team, and back
fresh_day
run board <<EOF
key f
type mine
key Enter
key r
screen $TMP/c1.txt
key a
screen $TMP/c2.txt
key Space
screen $TMP/c3.txt
key a
screen $TMP/c4.txt
EOF
expect_contains "mine filter → your deals" "your deals" "$(row c1 0)"
expect_contains "…2 of them" "1 of 2" "$(row c1 0)"
expect_contains "a: the team" "team" "$(row c2 0)"
expect_contains "…every owner's 4 deals" "1 of 4" "$(row c2 0)"
expect_contains "…Anna's first (title order)" "A Anna deal" "$(screen c2)"
expect_contains "…and it says so" "reviewing the team's deals: 4 deals left today" "$(screen c2)"
expect_contains "skip in the team view: Bo's" "B Bo deal" "$(screen c3)"
expect_contains "a again: my deals" "your deals" "$(row c4 0)"
expect_contains "…Anna's skip counted, mine left" "C My deal" "$(screen c4)"
expect_contains "the key is on the screen" "a mine/team" "$(screen c1)"

# ---- dealboard review: everyone's unless --mine / --owner
fresh_day
run review <<EOF
screen $TMP/d1.txt
EOF
expect_contains "review (CLI): the team by default" "team" "$(row d1 0)"
expect_contains "…all 4" "1 of 4" "$(row d1 0)"
run review --mine <<EOF
screen $TMP/d2.txt
EOF
expect_contains "review --mine" "your deals" "$(row d2 0)"
expect_contains "…2" "1 of 2" "$(row d2 0)"
run review --owner anna <<EOF
screen $TMP/d3.txt
EOF
expect_contains "review --owner anna" "owner: anna" "$(row d3 0)"
expect_contains "…Anna's deal" "A Anna deal" "$(screen d3)"
expect_exit "review --mine --owner: usage error" 1 db review --mine --owner anna
expect_contains "…says to use one" "use one" "$ERR"

# ---- no git identity: the team's deals, and what to set
noid=$TMP/noid
mkdir -p "$noid"
run_noid() { HOME=$noid XDG_CONFIG_HOME=$noid/.config GIT_CONFIG_GLOBAL=$noid/.gitconfig run "$@"; }
fresh_day
run_noid board <<EOF
key r
screen $TMP/e1.txt
key a
screen $TMP/e2.txt
EOF
expect_contains "no identity: the team's" "team" "$(row e1 0)"
expect_contains "…all 4" "1 of 4" "$(row e1 0)"
expect_contains "…and says what to set" "set your git user.name" "$(screen e1)"
expect_contains "a: cannot tell my deals" "no git identity" "$(screen e2)"
expect_contains "…stays on the team" "team" "$(row e2 0)"
expect_exit "review --mine without identity: usage error" 1 \
    env HOME="$noid" XDG_CONFIG_HOME="$noid/.config" GIT_CONFIG_GLOBAL="$noid/.gitconfig" \
    DEALBOARD_SCRIPT=/dev/null "$DEALBOARD" review --mine
expect_contains "…says what to do" "git config --global user.name" "$ERR"
