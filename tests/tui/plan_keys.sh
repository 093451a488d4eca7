#!/bin/sh
# The shared plan's keys (SPEC §9) at 80x24: P adds a step (text, whose,
# due date), X ticks one done (which, evidence), d dates one; from the detail
# view, the board and the review, each one commit through the same edit as
# `dealboard plan`. The review lists the open steps, the overdue ones marked.
# Esc at any field of the forms saves nothing.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/screen.inc"
export TZ=UTC

repo=$(new_repo)
cd "$repo" || exit 1
# Created 80 days ago in Define: the review's "move on?" deal (today 2026-11-20).
acme=$(on_day 2026-09-01 add "Acme Rollout" --account Acme --value 48000 --stage define)
on_day 2026-11-10 plan "$acme" add "Security review by IT" --due 2026-11-18 > /dev/null
step() { field "$repo" "$acme" "d['plan'][$1]['$2']"; }
plan_of() { field "$repo" "$acme" "'|'.join('%s,%s,%s,%s,%s' % (s['owner'], s['text'], s['due'], s['done'], s['evidence']) for s in d['plan'])"; }

# ---- the detail view: add, tick, date ------------------------------------------
count=$(commit_count .)
board 80x24 <<EOF
$(select_deal "Acme Rollout")
key Enter
key P
screen $TMP/add_form.txt
type CFO signs the order
key Enter
type us
key Enter
type 2026-11-30
key Enter
keys PgDn
screen $TMP/added.txt
key Home
key X
key Enter
type IT ok
key Enter
keys PgDn
screen $TMP/ticked.txt
key Home
key d
key Enter
type 2026-12-05
key Enter
keys PgDn
screen $TMP/dated.txt
key Home
EOF
expect_eq "detail: three changes, three commits" $((count + 3)) "$(commit_count .)"
expect_contains "P asks for the step in a form" "Add a step to the plan" "$(screen add_form)"
expect_contains "…whose it is" "Whose (buyer/us)" "$(screen add_form)"
expect_contains "the add's message" "added us step" "$(screen added)"
expect_contains "the new step is listed" "  2 us    [ ] CFO signs the order (due 2026-11-30)" "$(screen added)"
expect_contains "X ticks step 1 (offered first: the first open one)" \
    "  1 buyer [x] Security review by IT (due 2026-11-18; done 2026-11-20: IT ok)" \
    "$(screen ticked)"
expect_contains "d dates the first open step" "  2 us    [ ] CFO signs the order (due 2026-12-05)" \
    "$(screen dated)"
expect_eq "the deal file: both steps as saved" \
    "buyer,Security review by IT,2026-11-18,2026-11-20,IT ok|us,CFO signs the order,2026-12-05,None," \
    "$(plan_of)"
expect_eq "the last commit says what changed" \
    "Plan for $acme: dated us step $(step 1 id) \"CFO signs the order\" (due 2026-12-05), was 2026-11-30" \
    "$(last_message .)"
expect_eq "…and logged it" "plan" "$(field "$repo" "$acme" "d['log'][-1]['kind']")"
assert_invariants "$repo" "after the detail view's plan keys"

# ---- Esc at every field saves nothing ------------------------------------------
before=$(state "$repo")
board 80x24 <<EOF
$(select_deal "Acme Rollout")
key Enter
key P
key Esc
key P
type Half typed
key Esc
key P
type Whole text
key Enter
key Esc
key P
type Whole text
key Enter
key Enter
type +3
key Esc
key X
key Esc
key X
key Enter
key Esc
key d
key Esc
key d
key Enter
type +9
key Esc
screen $TMP/cancelled.txt
EOF
expect_unchanged "Esc at any field of P, X or d: nothing saved" "$repo" "$before"
expect_not_contains "no step from a cancelled form" "Whole text" "$(screen cancelled)"

# ---- bad input: said, nothing saved -------------------------------------------
board 80x24 <<EOF
$(select_deal "Acme Rollout")
key Enter
key X
key C-u
type 7
key Enter
key Enter
screen $TMP/bad_step.txt
key X
key C-u
type 1
key Enter
key Enter
screen $TMP/done_twice.txt
EOF
expect_contains "a step not in the plan: says which there are" "the plan has steps 1 to 2" \
    "$(screen bad_step)"
expect_contains "ticking a done step again: says so" "done on 2026-11-20 already" \
    "$(screen done_twice)"
expect_unchanged "bad step numbers save nothing" "$repo" "$before"

# ---- the board: the keys act on the selected deal --------------------------------
small=$(db add "Small Thing" --account Tiny --value 2000)
board 80x24 <<EOF
$(select_deal "Small Thing")
key X
screen $TMP/no_plan.txt
key P
type Pilot with two users
key Enter
key Enter
key Enter
screen $TMP/board_added.txt
EOF
expect_contains "X on a deal without a plan says how to start one" "no plan yet: P adds a step" \
    "$(screen no_plan)"
expect_eq "P from the board: the selected deal's plan" "buyer Pilot with two users None" \
    "$(field "$repo" "$small" "' '.join(str(d['plan'][0][k]) for k in ('owner', 'text', 'due'))")"
expect_contains "…said on the message line" "added buyer step" "$(screen board_added)"
expect_eq "Acme's plan untouched" 2 "$(field "$repo" "$acme" "len(d['plan'])")"

# ---- the review: the open steps, overdue marked; the same keys ------------------
db plan "$acme" add "Legal reads the MSA" --due 2026-11-19 > /dev/null
count=$(commit_count .)
review() {
    cat > "$TMP/script"
    DEALBOARD_SCRIPT="$TMP/script" DEALBOARD_SCRIPT_SIZE=80x24 db review \
        > "$TMP/review.out" 2> "$TMP/review.err"
}
review <<EOF
screen $TMP/rev_plan.txt
key P
type Workshop with the users
key Enter
key Enter
type 2026-11-27
key Enter
screen $TMP/rev_added.txt
key X
key Enter
key Enter
screen $TMP/rev_ticked.txt
key d
key C-u
type 3
key Enter
type 2026-11-25
key Enter
screen $TMP/rev_dated.txt
key P
type Never saved
key Esc
key X
key Esc
key d
key Enter
key Esc
screen $TMP/rev_cancelled.txt
EOF
rev=$(screen rev_plan)
expect_contains "the review shows the deal" "Acme Rollout" "$rev"
expect_contains "an overdue buyer step is marked" "2 buyer Legal reads the MSA · overdue by 1 day (due 2026-11-19)" "$rev"
expect_contains "an open step of ours, not overdue" "3 us    CFO signs the order · due 2026-12-05" "$rev"
expect_not_contains "a done step is not listed" "Security review by IT" "$rev"
expect_contains "the plan's keys are offered where it is shown" "Plan: 2 of 3 steps open  (P add, X tick, d date)" "$rev"
expect_eq "review: three changes, three commits" $((count + 3)) "$(commit_count .)"
expect_contains "review: the added step is listed" "Workshop with the users · due 2026-11-27" \
    "$(screen rev_added)"
expect_contains "review: the deal stays on screen after a plan key" "Acme Rollout" "$(screen rev_ticked)"
expect_eq "review: X ticked the first open step" "2026-11-20" \
    "$(field "$repo" "$acme" "[s['done'] for s in d['plan'] if s['text'] == 'Legal reads the MSA'][0]")"
expect_contains "review: the ticked step leaves the list" "Plan: 2 of 4 steps open" "$(screen rev_ticked)"
expect_eq "review: d re-dated step 2 (the workshop)" "2026-11-25" \
    "$(field "$repo" "$acme" "[s['due'] for s in d['plan'] if s['text'] == 'Workshop with the users'][0]")"
expect_contains "review: the commit message" "dated buyer step" "$(last_message .)"
expect_eq "review: Esc in the forms saved nothing" $((count + 3)) "$(commit_count .)"
expect_not_contains "review: no step from a cancelled form" "Never saved" "$(plan_of)"
fits=$(python3 -c 'import sys
for f in sys.argv[1:]:
    for l in open(f, encoding="utf-8"):
        if len(l.rstrip("\n")) > 80: print(l)' "$TMP/rev_plan.txt" "$TMP/dated.txt")
expect_eq "every row fits 80 columns" "" "$fits"
assert_invariants "$repo" "after the review's plan keys"
