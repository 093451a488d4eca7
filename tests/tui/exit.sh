#!/bin/sh
# Exit evidence on the board (SPEC §9) at 80x24: `>` out of a stage with exit
# outcomes asks which the buyer showed; Enter records the ticked ones with the
# move (one commit), Esc moves and records nothing; the detail view's
# "Exit evidence" section lists what was recorded.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/screen.inc"
export TZ=UTC

repo=$(new_repo)
cd "$repo" || exit 1
acme=$(db add "Acme Rollout" --account Acme --value 85000 --stage define --next "Call Lars" --due 2026-11-25)
beta=$(db add "Beta Pilot" --account Beta --value 9000 --stage recognize --next "Demo" --due 2026-11-26)
before=$(commit_count .)

{ select_deal "Acme Rollout"; cat <<EOF; } | board 80x24
key >
screen $TMP/ask.txt
key 1
key Down
key Down
key Space
screen $TMP/ticked.txt
key Enter
screen $TMP/moved.txt
EOF
ask=$(screen ask)
expect_contains "> asks what the buyer showed in the stage left" \
    "Leaving Define: what did the buyer show?" "$ask"
expect_contains "the outcomes, numbered, unticked" "[ ] 1. the buyer has put a number on the impact" "$ask"
expect_contains "…all three" "[ ] 3. the buyer has decided to act, and by when" "$ask"
expect_contains "the keys are said" "Space/1-3: tick  Enter: record ticked  Esc: record none" "$ask"
ticked=$(screen ticked)
expect_contains "1 ticks the first" "[x] 1. the buyer has put a number on the impact" "$ticked"
expect_contains "Down, Down, Space ticks the third" "[x] 3. the buyer has decided to act" "$ticked"
expect_contains "the second stays unticked" "[ ] 2. the buyer has named who decides" "$ticked"
expect_eq "Enter: one commit" $((before + 1)) "$(commit_count .)"
expect_eq "the deal is in Explore" explore "$(field . "$acme" 'd["stage"]')"
expect_eq "the evidence names Define and what was seen" \
    '[["define", "2026-11-20", ["the buyer has put a number on the impact", "the buyer has decided to act, and by when"]]]' \
    "$(field . "$acme" '[[e["stage"], e["date"], e["seen"]] for e in d["evidence"]]')"
expect_eq "the commit says what was seen" \
    "Move $acme: Define → Explore; seen: the buyer has put a number on the impact; the buyer has decided to act, and by when" \
    "$(last_message .)"
expect_contains "the message line says the move" "Move $acme: Define → Explore; seen:" "$(screen moved)"
expect_eq "every row fits 80 columns" "" "$(too_wide 80 ask ticked)"

# Esc: the move is made all the same, nothing recorded.
{ select_deal "Beta Pilot"; cat <<EOF; } | board 80x24
key >
key 2
key Esc
screen $TMP/esc.txt
EOF
expect_eq "Esc: moved, one commit" $((before + 2)) "$(commit_count .)"
expect_eq "…to Define" define "$(field . "$beta" 'd["stage"]')"
expect_eq "…with no evidence key (the file as before)" false "$(field . "$beta" '"evidence" in d')"
expect_eq "…a plain move" "Move $beta: Recognize → Define" "$(last_message .)"

# < never asks: only a move forward leaves a stage done.
{ select_deal "Beta Pilot"; cat <<EOF; } | board 80x24
key <
screen $TMP/back.txt
EOF
expect_not_contains "< asks nothing" "what did the buyer show" "$(screen back)"
expect_eq "< moved it back" recognize "$(field . "$beta" 'd["stage"]')"

# The detail view's section.
{ select_deal "Acme Rollout"; cat <<EOF; } | board 80x24
key Enter
keys PgDn
screen $TMP/detail.txt
EOF
detail=$(screen detail)
expect_contains "the Exit evidence section with its count" "Exit evidence (1)" "$detail"
expect_contains "the stage left and the day" "  Define done 2026-11-20" "$detail"
expect_contains "each outcome seen" "    - the buyer has put a number on the impact" "$detail"
expect_contains "…and the other" "    - the buyer has decided to act, and by when" "$detail"
expect_eq "the detail view fits 80 columns" "" "$(too_wide 80 detail)"
check "work tree clean at the end" is_clean .
