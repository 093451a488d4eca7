#!/bin/sh
# Issue 14, "Wrong data from ordinary keystrokes", in script mode: pre-filled
# prompts are replaced by typing, closing keys ask first, going back a stage
# keeps the stage clock, and other currencies are marked. Every check looks at
# the saved deal files and commits as well as the screen.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/screen.inc"
# Log times are UTC and stage_entered is a local day: one zone for both.
export TZ=UTC

repo=$(new_repo)
cd "$repo" || exit 1
acme=$(db add "Acme Rollout" --account Acme --value 85000 --stage define --next "Call Lars" --due 2026-11-25)
big=$(db add "Big Win" --account Bigco --value 120000 --stage decide --next "Sign" --due 2026-11-30)
franc=$(db add "Franc Deal" --account Helvetia --value 190000 --stage define --next "Call" --due 2026-11-30)
db set "$franc" currency CHF > /dev/null
# In Define since 2026-10-26 (25 days, limit 21: stalled), moved there by the CLI.
clock=$(DEALBOARD_TODAY=2026-10-01 db add "Clock Deal" --account Tick --value 30000 --stage recognize --next "Call" --due 2026-11-30)
DEALBOARD_TODAY=2026-10-26 db move "$clock" define > /dev/null


# ---- pre-filled prompts: typing replaces the pre-fill ----------------------
before=$(commit_count .)
{ select_deal "Acme Rollout"; cat <<EOF; } | board 80x24
key e
type value
key Enter
screen $TMP/pre1.txt
type 50k
screen $TMP/pre2.txt
key Enter
screen $TMP/pre3.txt
EOF
expect_contains "e value: the current value is pre-filled" "value: 85000" "$(row pre1 23)"
expect_contains "…and the user is told typing replaces it" "typing replaces the value" "$(row pre1 22)"
expect_contains "typing 50k replaces the pre-fill" "value: 50k" "$(row pre2 23)"
expect_not_contains "…nothing appended" "8500050k" "$(screen pre2)"
expect_eq "50k on 85,000 saves 50,000 (not 8,500,050,000)" 50000 "$(field . "$acme" 'd["value"]')"
expect_eq "one commit" $((before + 1)) "$(commit_count .)"
expect_eq "commit says both values" "Set $acme value: 85000 → 50000" "$(last_message .)"

# A move of the cursor keeps the pre-fill for editing; End then 0 makes it x10.
before=$(commit_count .)
{ select_deal "Acme Rollout"; cat <<EOF; } | board 80x24
key e
type value
key Enter
key End
type 0
key Enter
screen $TMP/jump1.txt
key n
screen $TMP/jump2.txt
EOF
expect_contains "x10 asks first, with old and new value" \
    "Change the value from 50,000 to 500,000 EUR (10 times as much)? y/n" "$(row jump1 23)"
expect_contains "n: not saved, and it says so" "value not changed: still 50,000 EUR" "$(row jump2 22)"
expect_eq "…nothing committed" "$before" "$(commit_count .)"
expect_eq "…the file keeps 50,000" 50000 "$(field . "$acme" 'd["value"]')"
{ select_deal "Acme Rollout"; cat <<EOF; } | board 80x24
key e
type value
key Enter
type 5k
key Enter
screen $TMP/jump3.txt
key y
EOF
expect_contains "/10 asks too" "Change the value from 50,000 to 5,000 EUR (1/10 of it)? y/n" "$(row jump3 23)"
expect_eq "y saves it" 5000 "$(field . "$acme" 'd["value"]')"
expect_eq "…in one commit" $((before + 1)) "$(commit_count .)"
{ select_deal "Acme Rollout"; cat <<EOF; } | board 80x24
key e
type value
key Enter
type 85000
key Enter
key Enter
EOF
expect_eq "Enter is not y: cancelled" 5000 "$(field . "$acme" 'd["value"]')"
{ select_deal "Acme Rollout"; cat <<EOF; } | board 80x24
key e
type value
key Enter
type 85000
key Enter
key Y
EOF
expect_eq "Y confirms" 85000 "$(field . "$acme" 'd["value"]')"

# Backspace clears an untouched pre-fill; Left then typing edits it.
{ select_deal "Acme Rollout"; cat <<EOF; } | board 80x24
key e
type account
key Enter
key Backspace
screen $TMP/bs1.txt
key Enter
key e
type title
key Enter
key Left
key Left
type X
key Enter
EOF
expect_eq "Backspace on the pre-fill clears all of it" "" "$(field . "$acme" 'd["account"]')"
expect_not_contains "…on screen too" "account: Acm" "$(row bs1 23)"
expect_eq "Left keeps the pre-fill: X goes in before the last two letters" "Acme RolloXut" \
    "$(field . "$acme" 'd["title"]')"

# The next-step form: the pre-filled step is replaced, the due date kept.
before=$(commit_count .)
{ select_deal "Acme RolloXut"; cat <<EOF; } | board 80x24
key p
screen $TMP/p1.txt
type Send case study to Lars
key Enter
key Enter
EOF
expect_contains "p: the form shows the current step" "Call Lars" "$(screen p1)"
expect_eq "typing replaces the step (not 'Call LarsSend…')" "Send case study to Lars" \
    "$(field . "$acme" 'd["next_step"]["text"]')"
expect_eq "Enter keeps the pre-filled due date" "2026-11-25" "$(field . "$acme" 'd["next_step"]["due"]')"
expect_eq "one commit" $((before + 1)) "$(commit_count .)"

# The filter: "flagged" pre-filled, "clear" typed over it.
board 80x24 <<EOF
key f
type flagged
key Enter
screen $TMP/f1.txt
key f
type clear
key Enter
screen $TMP/f2.txt
EOF
expect_contains "filter flagged" "filter: flagged" "$(row f1 22)"
expect_contains "f then clear clears it" "filter cleared" "$(row f2 22)"
expect_not_contains "…no 'flaggedclear'" "flaggedclear" "$(screen f2)"
expect_not_contains "…no filter left" "filter: flagged" "$(screen f2)"

# ---- closing keys ask first --------------------------------------------------
before=$(commit_count .)
{ select_deal "Big Win"; cat <<EOF; } | board 80x24
key w
screen $TMP/w1.txt
type ow, great call
key Enter
screen $TMP/w2.txt
EOF
expect_contains "w asks, naming the deal and its value" "Mark 'Big Win' (120,000 EUR) as won? y/n" \
    "$(row w1 23)"
expect_eq "typing 'wow, great call' and Enter commits nothing" "$before" "$(commit_count .)"
expect_eq "…the deal is still open" "open" "$(field . "$big" 'd["status"]')"
expect_not_contains "…and no 'ow, great call' reason anywhere" "great call" "$(cat "$(deal_path . "$big")")"
{ select_deal "Big Win"; cat <<EOF; } | board 80x24
key x
screen $TMP/x1.txt
key Enter
screen $TMP/x2.txt
key o
screen $TMP/o1.txt
key Esc
EOF
expect_contains "x asks" "Mark 'Big Win' (120,000 EUR) as lost? y/n" "$(row x1 23)"
expect_contains "…Enter is no" "not lost: nothing changed" "$(row x2 22)"
expect_contains "o asks" "Move on from 'Big Win' (120,000 EUR)? y/n" "$(row o1 23)"
expect_eq "x and o cancelled: nothing committed" "$before" "$(commit_count .)"
expect_eq "…still open" "open" "$(field . "$big" 'd["status"]')"
{ select_deal "Big Win"; cat <<EOF; } | board 80x24
key w
key y
screen $TMP/w3.txt
type Signed today
key Enter
EOF
expect_contains "y: then the reason" "Won! Why (optional):" "$(row w3 23)"
expect_eq "won after y" "won" "$(field . "$big" 'd["status"]')"
expect_eq "one commit, with the reason" "Won $big: Signed today" "$(last_message .)"
expect_eq "…only one" $((before + 1)) "$(commit_count .)"
long=$(db add "A title far too long to fit on one line of the board together with the question" --value 1000)
{ select_deal "A title far"; cat <<EOF; } | board 80x24
key o
screen $TMP/o2.txt
key y
type No budget
key Enter
key Enter
EOF
expect_contains "a long title is cut, the question still ends in y/n" "…' (1,000 EUR)? y/n" "$(row o2 23)"
expect_eq "o then y: moved on" "moved-on" "$(field . "$long" 'd["status"]')"

# ---- the stage clock: back to the stage just left ---------------------------
before=$(commit_count .)
{ select_deal "Clock Deal"; cat <<EOF; } | board 80x24
screen $TMP/c0.txt
key >
key Esc
key <
screen $TMP/c1.txt
EOF
expect_contains "before: 25 days in Define" "25d Test Seller" "$(screen c0)"
expect_eq "> then <: two commits" $((before + 2)) "$(commit_count .)"
expect_eq "back in Define" "define" "$(field . "$clock" 'd["stage"]')"
expect_eq "stage_entered kept (not today)" "2026-10-26" "$(field . "$clock" 'd["stage_entered"]')"
expect_eq "the commit says why" "Move $clock: Explore → Define (back: in Define since 2026-10-26)" \
    "$(last_message .)"
expect_contains "the card still says 25 days" "25d Test Seller" "$(screen c1)"
expect_contains "stalled still fires" "25 days in Define, limit 21" \
    "$(db flags --json | pyjson '[r["text"] for x in d["deals"] if x["id"] == "'"$clock"'" for r in x["reasons"]]')"
db move "$clock" evaluate > /dev/null
db move "$clock" define > /dev/null
expect_eq "CLI move away and back: clock kept too" "2026-10-26" "$(field . "$clock" 'd["stage_entered"]')"
db move "$clock" explore > /dev/null
db move "$clock" evaluate > /dev/null
db move "$clock" define > /dev/null
expect_eq "a real move back (not the stage just left) restarts it" "2026-11-20" \
    "$(field . "$clock" 'd["stage_entered"]')"

# ---- other currencies are marked, and sort after the pipeline's ------------
board 80x24 <<EOF
screen $TMP/cur1.txt
EOF
expect_contains "the CHF deal's card says CHF" "Helvetia         190k CHF" "$(screen cur1)"
expect_contains "EUR cards stay unmarked" "Tick                  30k" "$(screen cur1)"
first=$(grep -n "Acme RolloXut" "$TMP/cur1.txt" | cut -d: -f1)
chf=$(grep -n "Franc Deal" "$TMP/cur1.txt" | cut -d: -f1)
[ -n "$first" ] && [ -n "$chf" ] && [ "$first" -lt "$chf" ] &&
    ok "by value, 190k CHF comes after the 85k EUR deal" ||
    fail "by value, 190k CHF comes after the 85k EUR deal" "$(screen cur1)"
expect_contains "the column sum leaves CHF out (+)" "Define          3 · 115k+" "$(row cur1 0)"
{ select_deal "Franc Deal"; cat <<EOF; } | board 100x30
key Enter
screen $TMP/cur2.txt
EOF
expect_contains "detail: value, currency and that it is not the pipeline's" \
    "190,000 CHF (not the pipeline's EUR: not in its totals)" "$(screen cur2)"
check "work tree clean at the end" is_clean .
