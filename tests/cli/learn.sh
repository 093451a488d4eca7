#!/bin/sh
# Stalled limits learned from the team's history ("stalled": {"learn": true})
# and how honest the board's probabilities were (stats calibration), on a
# history made with dealboard commands at known dates: the reason's words,
# the limit at its boundary, learn=false and the old limit without reading
# the history, the per-HEAD cache, a shallow clone, a bad "learn"; the
# calibration figures (team, per owner, --owner, --mine) equal what python
# computes from the deals this script made.
. "$(dirname "$0")/../lib.sh"

R=$(new_repo)
cd "$R" || exit 1
TODAY=2026-06-01
export DEALBOARD_TODAY=$TODAY
# on DAYS_BEFORE_TODAY CMD…: runs a dealboard command as if on that day.
on() {
    day=$(python3 -c "import datetime, sys; print(datetime.date(2026, 6, 1) - datetime.timedelta(days=int(sys.argv[1])))" "$1")
    shift
    DEALBOARD_TODAY=$day GIT_AUTHOR_DATE="$day 12:00:00 +0000" \
        GIT_COMMITTER_DATE="$day 12:00:00 +0000" db "$@"
}
# What this script made, for python's own count: id owner outcome explore_days.
made=$TMP/made
# deal OWNER OUTCOME EXPLORE_DAYS START: Explore for that many days from
# START days before today, then won (via Evaluate, a day later), lost or
# moved on (from Explore).
n=0
deal() {
    n=$((n + 1))
    id=$(on "$4" add "Deal $n" --value 1000 --stage explore --owner "$1") || { fail "add"; exit 1; }
    left=$(( $4 - $3 ))
    case $2 in
        won) on "$left" move "$id" evaluate > /dev/null && on $((left - 1)) won "$id" > /dev/null ;;
        lost) on "$left" lost "$id" > /dev/null ;;
        moved-on) on "$left" moveon "$id" --reason "no budget" > /dev/null ;;
    esac || fail "deal $n: $2"
    echo "$id $1 $2 $3" >> "$made"
}
# 23 won deals: Explore days 10..27, 28, 29, 30, 31, 35: the 80th
# percentile (nearest rank, the 19th) is 28.
start=300
for days in 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 35; do
    if [ "$days" -le 24 ]; then owner="Anna Berg <anna@example.com>"; else owner="Ben Ortiz"; fi
    deal "$owner" won "$days" "$start"
    start=$((start - 7))
done
for i in 1 2 3 4 5; do deal "anna berg" lost 40 $((200 - i)); done
for i in 1 2 3 4; do deal "Ben Ortiz" lost 50 $((190 - i)); done
for i in 1 2; do deal "Ben Ortiz" moved-on 60 $((180 - i)); done
# Open in Explore: 41 days (Anna), 29 and 30 days (the boundary, Ben).
X=$(on 41 add "Stuck in Explore" --value 5000 --stage explore --owner "Anna Berg")
B29=$(on 29 add "Twenty-nine days" --value 5000 --stage explore --owner "Ben Ortiz")
B30=$(on 30 add "Thirty days" --value 5000 --stage explore --owner "Ben Ortiz")
echo "$X anna open 41" >> "$made"

reason() { # ID: its stalled reason in `flags --json`, or "none"
    db flags --json | pyjson "next((r['text'] for x in d['deals'] if x['id'] == '$1' for r in x['reasons'] if r['rule'] == 'stalled'), 'none')"
}
set_learn() { # VALUE (JSON): commits pipeline.json with the stalled rule's "learn"
    python3 - "$1" <<'PY'
import json, sys
d = json.load(open("pipeline.json"))
d.setdefault("rules", {}).setdefault("stalled", {})["learn"] = json.loads(sys.argv[1])
open("pipeline.json", "w").write(json.dumps(d, indent=2) + "\n")
PY
    git commit -qam "stalled: learn $1"
}

# ---- without learn: the configured limit, and the history is not read ------
rm -f .git/dealboard-events .git/dealboard-limits
expect_eq "without learn: the configured limit" "41 days in Explore, limit 30" "$(reason "$X")"
expect_eq "without learn: 30 days is not stalled" "none" "$(reason "$B30")"
[ ! -e .git/dealboard-events ] && [ ! -e .git/dealboard-limits ] &&
    ok "without learn, flags reads no history" || fail "flags without learn read the history"
set_learn false
expect_eq "learn=false: the configured limit" "41 days in Explore, limit 30" "$(reason "$X")"
[ ! -e .git/dealboard-events ] && ok "learn=false reads no history" || fail "learn=false read the history"

# ---- learn: the limit from the won deals, and the reason says so -----------
set_learn true
# python: the 80th percentile (nearest rank) of the won deals' Explore days,
# pulled toward max_days 30 with weight n/(n+10).
want=$(python3 - "$made" <<'PY'
import math, sys
days = sorted(int(l.split()[-1]) for l in open(sys.argv[1]) if " won " in l)
n = len(days)
p80 = days[math.ceil(0.8 * n) - 1]
limit = math.floor((n * p80 + 10 * 30) / (n + 10) + 0.5)
print(p80, n, limit)
PY
)
set -- $want
expect_eq "the history as python sees it" "28 23 29" "$*"
expect_eq "learned: the reason says where the limit came from" \
    "41 days in Explore; 80% of won deals left Explore within 28 (23 deals), limit 29" "$(reason "$X")"
expect_contains "in the words of the issue" \
    "41 days in Explore; 80% of won deals left Explore within 28 (23 deals)" "$(db flags)"
expect_eq "learned limit 29: 29 days is not stalled" "none" "$(reason "$B29")"
expect_eq "learned limit 29: 30 days is" \
    "30 days in Explore; 80% of won deals left Explore within 28 (23 deals), limit 29" "$(reason "$B30")"
expect_contains "list --json has the learned reason" "within 28 (23 deals)" "$(db list --json)"
expect_contains "show has it" "within 28 (23 deals)" "$(db show "$X")"
expect_eq "stats shows the learned limit" "29" \
    "$(db stats --json | pyjson '[s["learned_limit"] for s in d["stages"] if s["id"] == "explore"][0]')"
# A stage with too few won deals keeps its max_days (Decide: no deal went there).
expect_eq "a stage without won deals: no learned limit" "null" \
    "$(db stats --json | pyjson '[s["learned_limit"] for s in d["stages"] if s["id"] == "decide"][0]')"

# ---- the cache: one small file per HEAD ------------------------------------
head=$(git rev-parse HEAD)
expect_eq "the limits are cached for HEAD" "$head status-quo,recognize,define,explore,evaluate,decide" \
    "$(sed -n 2p .git/dealboard-limits)"
# A cache for this HEAD is believed as it is: change its figure, see it used.
sed -i 's/^explore 28 23$/explore 12 23/' .git/dealboard-limits
expect_contains "a warm cache is read, not the history" "within 12 (23 deals)" "$(reason "$X")"
git pack-refs --all
[ ! -e .git/refs/heads/main ] || fail "git pack-refs left refs/heads/main"
expect_contains "HEAD is found in packed-refs too: the cache still holds" "within 12 (23 deals)" "$(reason "$X")"
on 0 touch "$B29" "called" > /dev/null
expect_contains "a new HEAD learns again" "within 28 (23 deals)" "$(reason "$X")"
expect_eq "... and caches it for the new HEAD" "$(git rev-parse HEAD)" \
    "$(sed -n 2p .git/dealboard-limits | cut -d' ' -f1)"
printf 'dealboard-limits 1\n%s\nexplore 12' "$(sed -n 2p .git/dealboard-limits)" > .git/dealboard-limits
expect_contains "a torn cache is not believed" "within 28 (23 deals)" "$(reason "$X")"

# ---- a shallow clone cannot learn: a warning and the configured limit -------
git clone -q --depth 1 "file://$R" "$TMP/shallow" 2> /dev/null
expect_exit "a shallow clone still lists its flags" 0 db -C "$TMP/shallow" flags
expect_contains "... with the configured limit" "41 days in Explore, limit 30" "$OUT"
expect_contains "... and says why on stderr" "stalled limits not learned" "$ERR"

# ---- as of a past day: learnt up to now, so not used -------------------------
expect_exit "flags --as-of today with learn on: exit 0" 0 db flags --as-of "$TODAY"
expect_contains "... the configured limit, not one learnt from later days" \
    "41 days in Explore, limit 30" "$OUT"
expect_contains "... and says why on stderr" "not as of a past day" "$ERR"

# ---- a bad "learn" ---------------------------------------------------------
cp pipeline.json "$TMP/pipeline.json"
set_learn '"yes"'
expect_exit "learn must be true or false" 1 db flags
expect_eq "the error names the file and the key" \
    "dealboard: pipeline.json: rule 'stalled': 'learn' must be true (limits learned from the history) or false (the stages' max_days)" "$ERR"
cp "$TMP/pipeline.json" pipeline.json
git commit -qam "learn back on"

# ---- how honest is the board: calibration against python --------------------
git config user.name "Ben Ortiz"
db stats --json > "$TMP/stats.json" || fail "stats --json"
db stats --owner "ANNA BERG" --json > "$TMP/anna.json" || fail "stats --owner"
db stats --mine --json > "$TMP/mine.json" || fail "stats --mine"
verdict=$(python3 - "$made" "$TMP/stats.json" "$TMP/anna.json" "$TMP/mine.json" <<'PY'
import json, math, sys
made = [l.split() for l in open(sys.argv[1])]
rows = []          # (owner, outcome, stages visited)
for parts in made:
    outcome = parts[-2]
    owner = "anna berg" if "anna" in " ".join(parts[1:-2]).lower() else "ben ortiz"
    stages = ["explore", "evaluate"] if outcome == "won" else ["explore"]
    rows.append((owner, outcome, stages))
# The open deals at 29 and 30 days are Ben's, undecided, and not in `made`.
def calib(rows, stage):
    dec = [r for r in rows if stage in r[2] and r[1] in ("won", "lost", "moved-on")]
    won = sum(r[1] == "won" for r in dec)
    sug = math.floor(100 * won / len(dec) + 0.5) if len(dec) >= 10 else None
    return len(dec), won, sug
bad = []
def check(doc, rows, label):
    for c in doc["calibration"]:
        want = calib(rows, c["stage"])
        got = (c["deals"], c["won"], c["suggested_probability"])
        if got != want:
            bad.append(f"{label} {c['stage']}: {got}, python {want}")
        if c["deals"] and abs(c["won_share"] - want[1] / want[0]) > 1e-9:
            bad.append(f"{label} {c['stage']} won_share {c['won_share']}")
team, anna, mine = (json.load(open(p)) for p in sys.argv[2:5])
check(team, rows, "team")
check(anna, [r for r in rows if r[0] == "anna berg"], "--owner")
check(mine, [r for r in rows if r[0] == "ben ortiz"], "--mine")
# Per owner: only the stages with 10 decided deals.
want = []
for owner, name in (("anna berg", "Anna Berg"), ("ben ortiz", "Ben Ortiz")):
    for stage in ("explore", "evaluate"):
        n, won, sug = calib([r for r in rows if r[0] == owner], stage)
        if n >= 10:
            want.append((name.lower(), stage, n, won, sug))
got = [(c["owner"].lower(), c["stage"], c["deals"], c["won"], c["suggested_probability"])
       for c in team["calibration_by_owner"]]
if got != want:
    bad.append(f"by owner: {got}, python {want}")
if anna["owner"] != "ANNA BERG" or mine["owner"] != "Ben Ortiz" or team["owner"] is not None:
    bad.append(f"owner: {team['owner']} {anna['owner']} {mine['owner']}")
print("; ".join(bad) or f"ok {len(want)}")
PY
)
expect_eq "calibration equals python's count (team, per owner, --owner, --mine)" "ok 3" "$verdict"
text=$(db stats)
expect_contains "the text says how honest the board is" "How honest is the board" "$text"
expect_contains "Explore: 23 won of 34 decided, 68 %" "Explore      40%       34    23        68%" "$text"
expect_contains "too few decided deals: not enough data" "Decide       80%        0     0  not enough data" "$text"
expect_contains "per owner" "Owner Anna Berg:" "$text"
expect_contains "--owner says whose" "owner: Anna Berg" "$(db stats --owner 'Anna Berg')"
expect_exit "--owner with --mine is refused" 1 db stats --owner x --mine
