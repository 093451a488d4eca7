#!/bin/sh
# The detail view's Plan section (SPEC §9) at 80x24: each step numbered as
# `plan ID done N` takes it, whose it is, done or not, its dates and the
# evidence; nothing when the deal has no plan. Opening it changes nothing.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/screen.inc"
export TZ=UTC

repo=$(new_repo)
cd "$repo" || exit 1
acme=$(db add "Acme Rollout" --account Acme --value 85000 --stage define --next "Call Lars" --due 2026-11-25)
db add "Small Thing" --account Tiny --value 2000 --stage define > /dev/null
db plan "$acme" add "Security review by IT" --due 2026-11-18 > /dev/null
db plan "$acme" add "Send the DPA" --us --due 2026-11-19 > /dev/null
db plan "$acme" done 2 --evidence "sent to legal" > /dev/null
db plan "$acme" add "CFO signs the order" > /dev/null
db touch "$acme" > /dev/null
before=$(state "$repo")

board 80x24 <<EOF
$(select_deal "Acme Rollout")
key Enter
keys PgDn
screen $TMP/detail.txt
key q
$(select_deal "Small Thing")
key Enter
keys PgDn
screen $TMP/none.txt
EOF
plan=$(screen detail)
expect_contains "the Plan section with its count" "Plan (3)" "$plan"
expect_contains "step 1: the buyer's, open, its due date" \
    "  1 buyer [ ] Security review by IT (due 2026-11-18)" "$plan"
expect_contains "step 2: ours, done, with the evidence" \
    "  2 us    [x] Send the DPA (due 2026-11-19; done 2026-11-20: sent to legal)" "$plan"
expect_contains "step 3: undated, last" "  3 buyer [ ] CFO signs the order" "$plan"
expect_not_contains "a deal without a plan has no Plan section" "Plan (" "$(screen none)"
expect_contains "…but its log" "Log (" "$(screen none)"
fits=$(awk 'length($0) > 80' "$TMP/detail.txt")
expect_eq "every row fits 80 columns" "" "$fits"
expect_unchanged "opening the detail view changed nothing" "$repo" "$before"
