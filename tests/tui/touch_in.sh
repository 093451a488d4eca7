#!/bin/sh
# Two-way touches on the board (SPEC §9), in script mode: `T` logs a touch the
# buyer made ("dir": "in"), `t` stays ours ("dir": "out"); one commit each;
# the detail view marks the buyer's touch; the review takes `T` as a touch.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/screen.inc"
export TZ=UTC

repo=$(new_repo) && [ -d "$repo/.git" ] || { fail "new_repo" "no repository"; exit 1; }
cd "$repo" || exit 1
acme=$(db add "Acme Rollout" --account Acme --value 85000 --stage define --next "Call Lars" --due 2026-11-25)
newest() { field . "$acme" "[d['log'][-1][k] for k in ('kind','dir','text')]"; }

# ---- T on the board --------------------------------------------------------
before=$(commit_count .)
{ select_deal "Acme Rollout"; cat <<EOF; } | board 80x24
key T
screen $TMP/in1.txt
type Lars called about pricing
key Enter
screen $TMP/in2.txt
EOF
expect_contains "T asks what the buyer did" "Touch from the buyer: what happened (optional):" "$(row in1 23)"
expect_eq "T: one commit" $((before + 1)) "$(commit_count .)"
expect_eq "T: the commit" "Touch from the buyer $acme: Lars called about pricing" "$(last_message .)"
expect_eq "T: the saved entry says in" '["touch", "in", "Lars called about pricing"]' "$(newest)"
expect_eq "T: last_touch today" 2026-11-20 "$(field . "$acme" 'd["last_touch"]')"
expect_contains "T: the board says what was saved" "Touch from the buyer" "$(screen in2)"
{ select_deal "Acme Rollout"; cat <<EOF; } | board 80x40
key Enter
screen $TMP/detail.txt
EOF
expect_contains "detail view: the buyer's touch reads touch-in" \
    "touch-in: Lars called about pricing" "$(screen detail)"
check "T: git status clean" is_clean .

# ---- t stays ours ------------------------------------------------------------
before=$(commit_count .)
{ select_deal "Acme Rollout"; cat <<EOF; } | board 80x24
key t
type Sent the deck
key Enter
EOF
expect_eq "t: one commit" $((before + 1)) "$(commit_count .)"
expect_eq "t: the commit" "Touch $acme: Sent the deck" "$(last_message .)"
expect_eq "t: the saved entry says out" '["touch", "out", "Sent the deck"]' "$(newest)"

# ---- Esc at the prompt: nothing saved ------------------------------------------
before=$(commit_count .)
{ select_deal "Acme Rollout"; cat <<EOF; } | board 80x24
key T
type not sent
key Esc
EOF
expect_eq "T then Esc: no commit" "$before" "$(commit_count .)"
expect_eq "T then Esc: the log is as it was" '["touch", "out", "Sent the deck"]' "$(newest)"

# ---- T in the review -----------------------------------------------------------
db set "$acme" close_date 2026-11-01 > /dev/null     # past close: the review shows it
cat > "$TMP/review.script" <<EOF
key T
type They asked for the contract
key Enter
screen $TMP/rev1.txt
key Esc
key q
EOF
DEALBOARD_SCRIPT="$TMP/review.script" DEALBOARD_SCRIPT_SIZE=80x24 db review > "$TMP/review.out" 2> "$TMP/review.err"
expect_eq "review T: the saved entry says in" '["touch", "in", "They asked for the contract"]' "$(newest)"
expect_eq "review T: the touch is one commit" \
    "Touch from the buyer $acme: They asked for the contract" \
    "$(git log --format=%s | grep -m1 'Touch from the buyer')"
expect_contains "review T: then asks for the next step, as after t" "next step" "$(screen rev1)"
assert_invariants . "end: §7 invariants"
