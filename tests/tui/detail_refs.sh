#!/bin/sh
# References and the first mover in the TUI (SPEC §9) at 80x24: a won deal's
# detail view shows its reference (ready or not, each ask with its day and
# for whom); F marks it ready or not, A records that a buyer asked for it
# (two commits, as `ref ID asked FOR`). A buyer in Evaluate who asked for
# references is marked not comfortable being first, in the detail view and
# in the daily review, with the references of its cluster to offer.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/screen.inc"
export TZ=UTC
# wider_than_80 NAME: the rows of that screen wider than 80 characters (not bytes).
wider_than_80() {
    python3 -c 'import sys
for line in open(sys.argv[1], encoding="utf-8"):
    if len(line.rstrip("\n")) > 80: print(line, end="")' "$TMP/$1.txt"
}

repo=$(new_repo)
cd "$repo" || exit 1
# Rijnmond: in Evaluate since 2026-09-01, so the review has it (stalled).
rijnmond=$(on_day 2026-09-01 add "Rijnmond Port" --account Rijnmond --value 310000 --stage evaluate)
db set "$rijnmond" cluster "one stack per site" > /dev/null
castell=$(on_day 2026-06-01 add "Castell Media" --account Castell --value 90000 --stage decide)
db set "$castell" cluster "one stack per site" > /dev/null
polaris=$(on_day 2026-06-01 add "Polaris Fleet" --account Polaris --value 70000 --stage decide)
db set "$polaris" cluster "vendor portals" > /dev/null
for id in "$castell" "$polaris"; do
    on_day 2026-07-01 won "$id" > /dev/null
    on_day 2026-07-02 ref "$id" ready > /dev/null
done
on_day 2026-11-12 ref "$castell" asked "$rijnmond" > /dev/null

# ---- the detail view of a reference; F toggles it ----------------------------
# The closed view lists both won on the same day by title: Castell, then Polaris.
count=$(commit_count .)
board 80x24 <<EOF
key C
key Enter
keys PgDn
screen $TMP/castell.txt
key F
keys PgDn
screen $TMP/not_ready.txt
EOF
expect_contains "the reference section: ready, asked once, its keys" \
    "Reference: ready; asked 1 time (F: not ready, A: asked)" "$(screen castell)"
expect_contains "the ask: its day, for whom (with the title)" \
    "  2026-11-12 for $rijnmond (Rijnmond Port)" "$(screen castell)"
expect_eq "F: one commit" $((count + 1)) "$(commit_count .)"
expect_eq "F: the commit says so" "Reference $castell: not ready" "$(last_message .)"
expect_eq "F: the deal file is no longer ready" "false" "$(field "$repo" "$castell" "d['reference']['ready']")"
expect_eq "F: its ask is kept" "$rijnmond" "$(field "$repo" "$castell" "d['reference']['asks'][0]['for']")"
expect_contains "F: the section says not ready" "Reference: not ready; asked 1 time (F: ready" \
    "$(screen not_ready)"

# ---- A: a buyer asked for this reference ----------------------------------------
count=$(commit_count .)
board 80x24 <<EOF
key C
key j
key Enter
key A
screen $TMP/ask_prompt.txt
type rijn
key Enter
keys PgDn
screen $TMP/asked.txt
EOF
expect_contains "A asks whose buyer asked" "Asked for by the buyer of (deal id)" "$(screen ask_prompt)"
expect_eq "A: two commits (the reference's ask, the buyer's wish)" $((count + 2)) "$(commit_count .)"
expect_eq "A: the ask on the reference, for the prefix's deal" "$rijnmond" \
    "$(field "$repo" "$polaris" "d['reference']['asks'][0]['for']")"
expect_eq "A: the ask's day" "2026-11-20" "$(field "$repo" "$polaris" "d['reference']['asks'][0]['at']")"
expect_eq "A: the buyer's deal logs that they asked" \
    "the buyer asked for references: $polaris" \
    "$(field "$repo" "$rijnmond" "[e['text'] for e in d['log'] if e['kind'] == 'references'][-1]")"
expect_eq "A: the last commit is the buyer's" \
    "Buyer of $rijnmond asked for references: $polaris" "$(last_message .)"
expect_contains "A: the section lists the ask" "  2026-11-20 for $rijnmond (Rijnmond Port)" \
    "$(screen asked)"
expect_contains "A: says what it did" "2 commits: $polaris asked for as a reference" "$(screen asked)"

# ---- the buyer's detail view: not comfortable being first -----------------------
db ref "$castell" ready > /dev/null       # offered again (F above made it not ready)
before=$(state "$repo")
board 80x24 <<EOF
$(select_deal "Rijnmond Port")
key Enter
screen $TMP/rijnmond.txt
EOF
rij=$(screen rijnmond | tr -s ' \n' '  ')
expect_contains "detail: the first-mover line, with the day first asked" \
    "First mover The buyer asked for references on 2026-11-12: not comfortable being first" "$rij"
expect_contains "detail: the same cluster's reference offered (Polaris, the least asked, is not in it)" \
    "offer a reference from the same cluster: Castell Media" "$rij"
expect_not_contains "detail: Castell alone is named" "Polaris" "$(screen rijnmond)"
expect_eq "every row fits 80 columns" "" "$(wider_than_80 rijnmond)"
expect_unchanged "opening the detail view changed nothing" "$repo" "$before"

# ---- the board's card says so (light deals carry the day asked) -----------------
board 160x24 <<EOF
screen $TMP/card.txt
EOF
expect_contains "the card: wants refs" "wants refs" "$(screen card)"
expect_eq "only that card" "1" "$(grep -c "wants refs" "$TMP/card.txt")"

# ---- the daily review says so too ---------------------------------------------
board 80x24 <<EOF
key r
screen $TMP/review.txt
EOF
rev=$(screen review | tr -s ' \n' '  ')
expect_contains "review: the deal is on screen" "Rijnmond Port" "$rev"
expect_contains "review: not comfortable being first, the reference to offer" \
    "The buyer asked for references on 2026-11-12: not comfortable being first — offer a reference from the same cluster: Castell Media" \
    "$rev"
expect_eq "review: every row fits 80 columns" "" "$(wider_than_80 review)"

# ---- moved on to Decide: comfortable now, the line goes --------------------------
on_day 2026-11-20 move "$rijnmond" decide > /dev/null 2>&1
board 80x24 <<EOF
$(select_deal "Rijnmond Port")
key Enter
screen $TMP/decide.txt
EOF
expect_not_contains "in Decide: no first-mover line" "First mover" "$(screen decide)"
board 160x24 <<EOF
screen $TMP/card_decide.txt
EOF
expect_not_contains "in Decide: no card mark" "wants refs" "$(screen card_decide)"
