#!/bin/sh
# The chart screen (v on the board), in script mode on a small history made
# day by day: the funnel, days in stage against the limits and the week's
# flow show the figures the history has, with bars in proportion (Unicode
# eighths, '#' under LANG=C); it fits 80x24, 120x40 and 24x8, scrolls, and q
# returns to the board. The history is read only when the screen opens.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/screen.inc"
export TZ=UTC DEALBOARD_TODAY=2026-11-20      # the week: 2026-11-14 .. 2026-11-20

repo=$(new_repo)
cd "$repo" || exit 1
# on DAY ARGS…: dealboard ARGS on DAY, its commit dated that day.
on() {
    _day=$1; shift
    DEALBOARD_TODAY=$_day GIT_AUTHOR_DATE="$_day 10:00:00 +0000" \
        GIT_COMMITTER_DATE="$_day 10:00:00 +0000" db "$@"
}
# Define: A 10 days, B 30, C 10 (median 10, limit 21). Explore: A 36 days
# and won, B 20 and C 36 still there (Kaplan-Meier median 36, limit 30).
A=$(on 2026-10-01 add "Alpha" --value 40000 --stage define --close 2026-12-31) &&
B=$(on 2026-10-01 add "Bravo" --value 20000 --stage define --close 2026-12-31) &&
C=$(on 2026-10-05 add "Charlie" --value 10000 --stage define --close 2026-12-31) || fail "add"
on 2026-10-11 move "$A" explore > /dev/null
on 2026-10-15 move "$C" explore > /dev/null
on 2026-10-31 move "$B" explore > /dev/null
# The week: Alpha won, Delta new, Bravo pushed.
on 2026-11-16 won "$A" > /dev/null
D=$(on 2026-11-17 add "Delta" --value 5000 --stage recognize --close 2026-12-31)
on 2026-11-18 set "$B" close_date 2027-02-28 > /dev/null
stats=$(db stats --json)
stage() { printf '%s\n' "$stats" | pyjson "[s for s in d['stages'] if s['id'] == '$1'][0]['$2']"; }
expect_eq "the history: Define's median is 10 days" 10 "$(stage define median_days)"
expect_eq "the history: Explore's is 36 (Bravo still running)" 36 "$(stage explore median_days)"
rm -f .git/dealboard-events
commits=$(commit_count .)

# The board alone does not read the history.
printf 'screen %s/board0.txt\n' "$TMP" | board 80x24
[ ! -e .git/dealboard-events ] && ok "the board alone does not read the history" ||
    fail "the board read the history without the chart screen"

# bars NAME LABEL: "cells eighths marker" of the bar on the row starting
# with LABEL: cells drawn, length in eighths of a cell, the marker's cell
# (1-based; 0: none). '#' counts 8, a partial block its eighths.
bars() {
    python3 - "$TMP/$1.txt" "$2" <<'PY'
import sys
blocks = " ▏▎▍▌▋▊▉█"
for line in open(sys.argv[1], encoding="utf-8"):
    if line.startswith("  " + sys.argv[2] + " "):
        body = line.rstrip("\n")
        start = min([i for i, ch in enumerate(body) if ch in blocks[1:] + "#│|"] or [len(body)])
        bar = body[start:]
        eighths = sum(8 if ch == "#" else blocks.index(ch) for ch in bar if ch in blocks[1:] + "#")
        marker = next((i + 1 for i, ch in enumerate(bar) if ch in "│|"), 0)
        print(len(bar), eighths, marker)
        break
else:
    print("no row", sys.argv[2])
PY
}
# near EXPECTED ACTUAL: within one piece of a bar (rounding).
near() { [ $(( $1 - $2 )) -le 1 ] && [ $(( $2 - $1 )) -le 1 ]; }
eighths() { bars "$1" "$2" | cut -d' ' -f2; }
cells() { bars "$1" "$2" | cut -d' ' -f1; }

# ---- 80x24: the funnel, then a page down to the rest ------------------------
board 80x24 <<EOF
key v
screen $TMP/c80.txt
keys j j j j j j j j
screen $TMP/c80b.txt
key PgDn
screen $TMP/c80c.txt
key q
screen $TMP/back.txt
EOF
expect_eq "the board runs the script" "" "$(cat "$TMP/board.err")"
expect_contains "v opens the charts" "Charts: " "$(row c80 0)"
expect_contains "the funnel's total: 3 open deals, 35,000" "Open pipeline by stage: 3 deals, 35,000" "$(screen c80)"
expect_contains "Explore: 2 deals, 30,000" "Explore          2  30,000  █" "$(screen c80)"
expect_contains "Recognize: 1 deal, 5,000" "Recognize        1   5,000  █" "$(screen c80)"
expect_contains "Define: none open" "Define           0       0" "$(screen c80)"
full=$(eighths c80 Explore)
[ "$full" -ge $((8 * 30)) ] && ok "the largest stage's bar is long ($full eighths)" || fail "short bar: $full"
near $((full * 5000 / 30000)) "$(eighths c80 Recognize)" &&
    ok "Recognize's bar is 5,000/30,000 of Explore's, to the eighth" ||
    fail "Recognize's bar: $(eighths c80 Recognize) eighths, Explore's $full"
expect_eq "no bar for a stage with nothing open" "0 0 0" "$(bars c80 Define)"
expect_eq "80x24: nothing wider than the screen" "" "$(too_wide 80 c80 c80b c80c)"
expect_contains "the help line says how to go back" "q: back" "$(row c80 23)"
# Days in stage: the bar is the median, the marker the limit, on one scale.
days=$(screen c80b)
expect_contains "j scrolls: the days chart at the top" "Days in stage" "$(row c80b 1)"
expect_contains "Define: median 10, won p80 10, limit 21" "Define           median  10  won p80  10  limit  21  █" "$days"
expect_contains "Explore: median 36, won p80 36, limit 30" "Explore          median  36  won p80  36  limit  30  █" "$days"
ex=$(bars c80b Explore) df=$(bars c80b Define)
width=${ex%% *}
expect_eq "Explore's median (the scale's top) is past its limit: no marker, the bar is whole" \
    "$width $((width * 8)) 0" "$ex"
near $((width * 8 * 10 / 36)) "$(echo "$df" | cut -d' ' -f2)" &&
    ok "Define's bar is 10/36 of the scale" || fail "Define's bar: $df (scale $width cells)"
marker=$(echo "$df" | cut -d' ' -f3)
near $(( (width * 21 + 18) / 36 )) "$marker" && ok "Define's limit marker is at 21/36 ($marker of $width)" ||
    fail "Define's marker: $df (scale $width cells)"
expect_contains "q returns to the board" "Status quo" "$(row back 0)"
expect_not_contains "... the charts are gone" "Charts:" "$(screen back)"
[ -e .git/dealboard-events ] && ok "opening the charts read (and cached) the history" ||
    fail "no event index after the chart screen"
expect_eq "the charts commit nothing" "$commits" "$(commit_count .)"
assert_invariants . "the repository is as it was"

# ---- 120x40: everything on one screen ---------------------------------------
board 120x40 <<EOF
key v
screen $TMP/c120.txt
EOF
all=$(screen c120)
for section in "Open pipeline by stage" "Days in stage" "The week's flow, 2026-11-14 to 2026-11-20" \
    "Forecast by close month: stated vs honest"; do
    expect_contains "120x40 shows: $section" "$section" "$all"
done
expect_contains "flow: open at the start, Alpha, Bravo and Charlie" "Open at start    3  70,000" "$all"
expect_contains "flow: new, Delta" "+ New            1   5,000  █" "$all"
expect_contains "flow: won, Alpha" "- Won            1  40,000  █" "$all"
expect_contains "flow: value changes, none" "+- Value changes         0" "$all"
expect_contains "flow: open at the end = 70,000 + 5,000 - 40,000" "= Open at end    3  35,000" "$all"
expect_contains "flow: pushed, Bravo" "Pushed           1  20,000  █" "$all"
won=$(eighths c120 "- Won")
near $((won / 2)) "$(eighths c120 Pushed)" && ok "Pushed's bar is half of Won's" ||
    fail "Pushed $(eighths c120 Pushed), Won $won"
near $((won / 8)) "$(eighths c120 "+ New")" && ok "New's bar is an eighth of Won's" ||
    fail "New $(eighths c120 "+ New"), Won $won"
# The forecast: Charlie (explore) and Delta (recognize) close in December,
# Bravo, pushed, in February; one won deal is too little history for the
# honest dates to differ from the stated ones.
expect_contains "forecast: December, stated" "2026-12 stated   2  4,500  █" "$all"
expect_contains "forecast: December, honest (too little history: the same)" \
    "        honest   2  4,500  █" "$all"
expect_contains "forecast: January, empty, still listed" "2027-01 stated   0      0" "$all"
expect_contains "forecast: February, Bravo at 40%" "2027-02 stated   1  8,000  █" "$all"
expect_eq "120x40: nothing wider than the screen" "" "$(too_wide 120 c120)"

# ---- LANG=C: the same bars in '#' -------------------------------------------
LC_ALL=C LANG=C board 80x24 <<EOF
key v
screen $TMP/a80.txt
keys j j j j j j j j
screen $TMP/a80b.txt
EOF
if LC_ALL=C grep -q '[^ -~]' "$TMP/a80.txt" "$TMP/a80b.txt"; then
    fail "LANG=C: only ASCII on screen" "$(LC_ALL=C grep -n '[^ -~]' "$TMP/a80.txt" | head -3)"
else ok "LANG=C: only ASCII on screen"; fi
expect_contains "LANG=C: Explore's bar in #" "Explore          2  30,000  ####" "$(screen a80)"
ac=$(cells a80 Explore) ar=$(cells a80 Recognize)
near $((ac * 5000 / 30000)) "$ar" && ok "LANG=C: Recognize's bar is 1/6 of Explore's ($ar of $ac)" ||
    fail "LANG=C: Recognize $ar, Explore $ac"
expect_eq "LANG=C: Define's limit marker is a | in the same cell" "$marker" "$(bars a80b Define | cut -d' ' -f3)"

# ---- 24x8 and resizing: the page degrades like the other pages ---------------
board 80x24 <<EOF
key v
resize 24x8
screen $TMP/s24.txt
key PgDn
screen $TMP/s24b.txt
resize 120x40
screen $TMP/r120.txt
EOF
expect_contains "24x8: the page still shows" "Charts" "$(row s24 0)"
expect_contains "24x8: the way back" "q: back" "$(screen s24)"
expect_eq "24x8: nothing wider than the screen" "" "$(too_wide 24 s24 s24b)"
expect_eq "resized to 120x40: the bars are laid out again for the width" \
    "$(bars c120 "- Won")" "$(bars r120 "- Won")"

# ---- learned limits: the marker is the limit the stalled rule applies --------
# Five deals each 10 days in Define and 10 in Explore, then won: with
# "stalled": {"learn": true}, Define's limit is (5*10 + 10*21)/15 = 17 and
# Explore's (5*10 + 10*30)/15 = 23; the other stages keep max_days (Status
# quo 30: the scale's top).
cd "$TMP" || exit 1
learn=$(new_repo learn)
cd "$learn" || exit 1
python3 - <<'PY'
import json
d = json.load(open("pipeline.json", encoding="utf-8"))
d.setdefault("rules", {}).setdefault("stalled", {})["learn"] = True
open("pipeline.json", "w", encoding="utf-8").write(json.dumps(d, indent=2) + "\n")
PY
git commit -qam "stalled: learn" --date "2026-09-01T10:00:00Z"
for i in 1 2 3 4 5; do
    day=$(printf '2026-09-%02d' $((i + 1)))
    id=$(on "$day" add "Won $i" --value 1000 --stage define) || fail "add won $i"
    on "$(date -u -d "$day + 10 days" +%F)" move "$id" explore > /dev/null 2>&1
    on "$(date -u -d "$day + 20 days" +%F)" won "$id" > /dev/null 2>&1
done
limit() { db stats --json | pyjson "[s for s in d['stages'] if s['id'] == '$1'][0]['learned_limit']"; }
expect_eq "the history: Define's learned limit is 17" 17 "$(limit define)"
expect_eq "the history: Explore's learned limit is 23" 23 "$(limit explore)"
board 120x40 <<EOF2
key v
screen $TMP/l120.txt
EOF2
board 60x40 <<EOF2
key v
screen $TMP/l60.txt
EOF2
learned=$(screen l120)
expect_contains "Define: the learned limit, said to be learned" \
    "Define           median  10  won p80  10  limit  17  (learned)" "$learned"
expect_contains "Explore: the learned limit, said to be learned" \
    "Explore          median  10  won p80  10  limit  23  (learned)" "$learned"
expect_contains "Recognize: too little history, max_days" \
    "Recognize        median   -  won p80   -  limit  21             " "$learned"
expect_contains "the page says where learned limits come from" "Limits marked (learned)" "$learned"
# marker_at LABEL: the limit marker's cell, counted from the bar's first.
marker_at() {
    python3 - "$TMP/l120.txt" "$1" <<'PY'
import sys
for line in open(sys.argv[1], encoding="utf-8"):
    if line.startswith("  " + sys.argv[2] + " ") and "median" in line:
        print(line.index("│") - line.index("█") + 1)
        break
PY
}
dm=$(marker_at Define) em=$(marker_at Explore)
[ "$dm" -gt 0 ] && near $((dm * 23 / 17)) "$em" &&
    ok "the markers stand at the learned limits: Define 17 ($dm), Explore 23 ($em)" ||
    fail "markers: Define $dm, Explore $em (want 17:23)"
expect_contains "narrow: the learned limit is starred" "10/17*" "$(screen l60)"
expect_contains "narrow: what the star means" "*: a limit learned from the history" "$(screen l60)"
