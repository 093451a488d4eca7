#!/bin/sh
# `flags --json` and `report --json [--since]` on a generated pipeline of 23
# deals, checked against an independent model (forecast_model.py) computed from
# the repository's files, plus hand-computed numbers for the key totals.
#
# The history is made through the CLI on the days it happens (DEALBOARD_TODAY
# moves forward: created, stage_entered, touches, pushes and closing dates are
# real), and one deal in a stage pipeline.json does not know is written as a
# file and committed with git, as a teammate with a newer pipeline might.
. "$(dirname "$0")/../lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
model() { python3 "$here/forecast_model.py" "$@"; }

repo=$(new_repo gen) || { fail "init"; exit 1; }
on() { d=$1; shift; DEALBOARD_TODAY=$d "$DEALBOARD" -C "$repo" "$@" > /dev/null; }
new() { d=$1; shift; DEALBOARD_TODAY=$d "$DEALBOARD" -C "$repo" add "$@"; }
why() { on "$1" set "$2" status_quo "Spreadsheets; they feel safe" &&
        on "$1" set "$2" insight "The spreadsheets hide a 9-point gap"; }

# A non-default pipeline.json: quiet after 10 days with weight 3, move on? at 5,
# Explore at 45 % (4,990 × 45 % = 2,245.5: rounding shows).
python3 - "$repo/pipeline.json" <<'EOF'
import json, sys
path = sys.argv[1]
cfg = json.load(open(path, encoding="utf-8"))
cfg["rules"]["quiet"].update(days=10, weight=3)
cfg["levels"]["move-on"] = 5
for st in cfg["stages"]:
    if st["id"] == "explore":
        st["probability"] = 45
open(path, "w", encoding="utf-8").write(json.dumps(cfg, indent=2, ensure_ascii=False) + "\n")
EOF
git -C "$repo" commit -qam "Tune the move-on rules"

set -e
# A: 30 days in Explore (= limit), 10 days since a touch (= limit): clean.
A=$(new 2026-10-21 "Alpha rollout" --value 48000 --stage explore --close 2026-12-15 \
    --next "Demo for the CFO" --due 2026-11-25)
on 2026-11-10 touch "$A"; why 2026-10-22 "$A"
# B: 80 days in Define, step overdue by exactly 3 days: stalled only (2, watch).
B=$(new 2026-09-01 "Bravo platform" --value 30000 --stage define --close 2026-12-31 \
    --next "Workshop" --due 2026-11-17)
on 2026-11-15 touch "$B"; why 2026-09-02 "$B"
# C: quiet for 11 days (3, watch).
C=$(new 2026-10-25 "Charlie analytics" --value 120000 --stage evaluate --next "Pilot review" \
    --due 2026-11-30)
on 2026-11-09 touch "$C"; why 2026-10-26 "$C"
# D: close date pushed twice, step overdue by 4 days (3, watch).
D=$(new 2026-11-01 "Delta migration" --value 15000 --stage recognize --close 2026-11-30 \
    --next "Call the CIO" --due 2026-11-16)
on 2026-11-05 set "$D" close_date 2026-12-15; on 2026-11-12 set "$D" close_date 2027-01-15
on 2026-11-19 touch "$D"
# E: everything at once (9, move on?).
E=$(new 2026-10-01 "Echo licences" --value 90000 --stage decide --close 2026-11-15)
on 2026-10-20 touch "$E"
# F: clean, 4,990 at 45 %.
F=$(new 2026-11-19 "Foxtrot data hub" --value 4990 --stage explore --next "Scope call" \
    --due 2026-11-21)
on 2026-11-19 touch "$F"; why 2026-11-19 "$F"
# G: never touched for 15 days, no next step (4, watch).
G=$(new 2026-11-05 "Golf reporting" --value 7000 --stage status-quo)
# H: stalled in Define, no status quo (3, watch).
H=$(new 2026-10-10 "Hotel revenue" --value 25000 --stage define --next "Send the case" \
    --due 2026-11-22)
on 2026-11-18 touch "$H"; on 2026-10-11 set "$H" insight "Rates lag demand by a week"
# I: moved to Evaluate 30 days ago (= limit), quiet 19 days, past close (5, move on?).
I=$(new 2026-09-15 "India claims" --value 60000 --stage explore --close 2026-11-10 \
    --next "Reference call" --due 2026-11-30)
on 2026-10-21 move "$I" evaluate; on 2026-11-01 touch "$I"; why 2026-09-16 "$I"
# J: would be move on?, snoozed until tomorrow.
J=$(new 2026-09-01 "Juliet snoozed" --value 70000 --stage evaluate --close 2026-10-31)
on 2026-11-10 snooze "$J" --until 2026-11-21 --reason "Buyer on leave"
# K: snoozed until today: flagged again (7, move on?).
K=$(new 2026-09-20 "Kilo portal" --value 40000 --stage define)
on 2026-11-01 snooze "$K" --until 2026-11-20
# L, M: same score and stage (3, watch): ordered by title.
for pair in "Mike dashboards:20000" "Lima pricing:10000"; do
    id=$(new 2026-11-10 "${pair%%:*}" --value "${pair##*:}" --stage explore --close 2026-11-25)
    on 2026-11-12 set "$id" close_date 2026-12-01; on 2026-11-13 set "$id" close_date 2026-12-10
    on 2026-11-19 touch "$id"; why 2026-11-10 "$id"
done
# N: in USD, never touched, no next step, no why-change (5, move on?): not in
# the EUR totals.
N=$(new 2026-11-01 "November USD deal" --value 50000 --stage explore)
on 2026-11-01 set "$N" currency USD
# Closed deals: dates of the closing log entries decide the --since period.
O=$(new 2026-08-01 "Oscar won early" --value 33000 --stage decide); on 2026-10-15 won "$O"
P=$(new 2026-09-01 "Papa won" --value 44000 --stage evaluate)
on 2026-10-20 move "$P" decide; on 2026-11-05 won "$P"
Q=$(new 2026-09-10 "Quebec lost" --value 12000 --stage define)
on 2026-11-12 lost "$Q" --reason "Chose the incumbent"
R=$(new 2026-08-15 "Romeo moved on" --value 27000 --stage explore)
on 2026-11-02 moveon "$R" --reason "Budget frozen" --revisit 2026-11-20
S=$(new 2026-07-01 "Sierra moved on early" --value 8000 --stage recognize)
on 2026-09-10 moveon "$S" --reason "No champion"
T=$(new 2026-10-01 "Tango won in USD" --value 15000 --stage decide)
on 2026-10-01 set "$T" currency usd; on 2026-11-18 won "$T"
# V: lost, then reopened: open again, 19 days in Explore, clean.
V=$(new 2026-08-01 "Victor reopened" --value 18000 --stage explore)
on 2026-09-01 lost "$V"; on 2026-11-01 reopen "$V"; on 2026-11-19 touch "$V"
on 2026-11-19 next "$V" "Kick-off" --due 2026-11-24; why 2026-11-01 "$V"
# W: won, reopened, won again on 2026-11-15: the latest closing counts.
W=$(new 2026-08-01 "Whiskey re-won" --value 5000 --stage decide)
on 2026-09-01 won "$W"; on 2026-10-01 reopen "$W"; on 2026-11-15 won "$W"
# X: a second clean Explore deal, so the stage's average days is a real average.
X=$(new 2026-11-18 "Xray metrics" --value 1000 --stage explore --next "Call" --due 2026-11-23)
on 2026-11-18 touch "$X"; why 2026-11-18 "$X"
# U: written as a file: a stage this pipeline.json does not have; never touched
# for 50 days (3, watch); open value, but no probability to weigh it with.
python3 - "$repo" "$F" <<'EOF'
import json, os, sys
repo, template = sys.argv[1], sys.argv[2]
src = os.path.join(repo, "deals", template[-2:], template + ".json")
deal = json.load(open(src, encoding="utf-8"))
deal.update(id="uniform-negotiation-0a1b2c", title="Uniform negotiation", stage="negotiation",
            value=22000, created="2026-10-01", stage_entered="2026-10-01", last_touch=None)
deal["log"] = deal["log"][:1]
os.makedirs(os.path.join(repo, "deals", "2c"), exist_ok=True)
with open(os.path.join(repo, "deals", "2c", deal["id"] + ".json"), "w", encoding="utf-8") as f:
    f.write(json.dumps(deal, indent=2, ensure_ascii=False) + "\n")
EOF
git -C "$repo" add -A && git -C "$repo" commit -qm "Add uniform-negotiation-0a1b2c (negotiation stage)"
set +e

count=$(find "$repo/deals" -name '*.json' | wc -l | tr -d ' ')
expect_eq "generated 24 deals" 24 "$count"
check "the work tree is clean" is_clean "$repo"

# ---- flags --json ----
db -C "$repo" flags --json > "$TMP/flags.json"
expect_eq "flags --json matches the model" same "$(model "$repo" flags "$TMP/flags.json")"
jget() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
expect_eq "flagged deals, highest score first (ties: stage order, title)" \
    "Echo licences 9|Kilo portal 7|November USD deal 5|India claims 5|Golf reporting 4|Delta migration 3|Hotel revenue 3|Lima pricing 3|Mike dashboards 3|Charlie analytics 3|Uniform negotiation 3|Bravo platform 2" \
    "$(jget "$TMP/flags.json" "'|'.join(f\"{x['title']} {x['score']}\" for x in d['deals'])")"
expect_eq "levels from pipeline.json (move on? at 5)" \
    "move-on move-on move-on move-on watch" \
    "$(jget "$TMP/flags.json" "' '.join(x['level'] for x in d['deals'][:5])")"
expect_eq "reasons in words with the numbers" \
    "50 days in Decide, limit 21|no touch for 31 days, limit 10|close date 2026-11-15 passed 5 days ago|no next step|no status quo or insight recorded" \
    "$(jget "$TMP/flags.json" "'|'.join(r['text'] for r in d['deals'][0]['reasons'])")"
expect_eq "a snooze ends on its until day; snoozed deals stay out before it" \
    "True False" \
    "$(jget "$TMP/flags.json" "' '.join(str(t in [x['title'] for x in d['deals']]) for t in ('Kilo portal', 'Juliet snoozed'))")"
DEALBOARD_TODAY=2026-11-21 db -C "$repo" flags --json > "$TMP/flags21.json"
expect_eq "the next day, the snoozed deal is flagged" True \
    "$(jget "$TMP/flags21.json" "'Juliet snoozed' in [x['title'] for x in d['deals']]")"
expect_eq "flags --json a day later matches the model" same \
    "$(DEALBOARD_TODAY=2026-11-21 model "$repo" flags "$TMP/flags21.json")"

# ---- report --json ----
db -C "$repo" report --json > "$TMP/report.json"
expect_eq "report --json matches the model" same "$(model "$repo" report "$TMP/report.json")"
# Hand-computed (EUR only): open deals A B C D E F G H I J K L M V X U.
expect_eq "open count, value, weighted" "16 580990 288746" \
    "$(jget "$TMP/report.json" "' '.join(str(d['open'][k]) for k in ('count','value','weighted'))")"
expect_eq "Explore row: A F L M V X (45 %, 4,990 -> 2,246)" "6 101990 45896 12" \
    "$(jget "$TMP/report.json" "' '.join(str(d['stages'][3][k]) for k in ('count','value','weighted','avg_days'))")"
expect_eq "flagged: E K I G D H L M C U B in EUR" "11 439000" \
    "$(jget "$TMP/report.json" "str(d['flagged']['count']) + ' ' + str(d['flagged']['value'])")"
expect_eq "closed, all time" "won 3 82000|lost 1 12000|moved-on 2 35000" \
    "$(jget "$TMP/report.json" "'|'.join(f\"{k} {v['count']} {v['value']}\" for k, v in d['closed'].items())")"
expect_eq "unstaged: in open, weight 0" "1 22000" \
    "$(jget "$TMP/report.json" "str(d['unstaged']['count']) + ' ' + str(d['unstaged']['value'])")"
expect_eq "other currencies: USD apart, whatever the case" "USD 1 50000 22500 1 15000" \
    "$(jget "$TMP/report.json" "' '.join(str(x) for o in d['other_currencies'] for x in (o['currency'], o['open']['count'], o['open']['value'], o['open']['weighted'], o['closed']['won']['count'], o['closed']['won']['value']))")"

db -C "$repo" report --json --since 2026-11-01 > "$TMP/since.json"
expect_eq "report --json --since matches the model" same \
    "$(model "$repo" report "$TMP/since.json" 2026-11-01)"
expect_eq "closed since 2026-11-01: P and W (won again 11-15), Q, R" \
    "2026-11-01 won 2 49000|lost 1 12000|moved-on 1 27000" \
    "$(jget "$TMP/since.json" "d['since'] + ' ' + '|'.join(f\"{k} {v['count']} {v['value']}\" for k, v in d['closed'].items())")"
expect_eq "--since leaves open and flagged alone" \
    "$(jget "$TMP/report.json" "d['open'], d['flagged']")" "$(jget "$TMP/since.json" "d['open'], d['flagged']")"
db -C "$repo" report --json --since 2026-11-16 > "$TMP/since16.json"
expect_eq "report --since 2026-11-16 matches the model" same \
    "$(model "$repo" report "$TMP/since16.json" 2026-11-16)"

# ---- report, text ----
expect_exit "report prints a table" 0 db -C "$repo" report
expect_contains "report: stage row" "Explore         6        101,990   45%         45,896        12" "$OUT"
expect_contains "report: open line" "Open           16        580,990              288,746" "$OUT"
expect_contains "report: flagged line" "Flagged        11        439,000" "$OUT"
expect_contains "report: closed heading" "Closed (all time)" "$OUT"
expect_contains "report: unknown stage note" "Open includes 1 deal (22,000) in a stage pipeline.json does not list" "$OUT"
expect_contains "report: other currencies apart" "USD: 1 open (50,000, weighted 22,500), 1 flagged (50,000), 1 won (15,000)" "$OUT"
expect_exit "report --since heading" 0 db -C "$repo" report --since 2026-11-01
expect_contains "report --since: the period" "Closed since 2026-11-01" "$OUT"

# ---- errors ----
expect_exit "report --since with a bad date" 1 db -C "$repo" report --since yesterday-ish
expect_contains "says which option" "dealboard: --since: 'yesterday-ish' is not a date" "$ERR"
expect_exit "report --since after today" 1 db -C "$repo" report --since 2026-12-01
expect_contains "says why" "dealboard: --since: 2026-12-01 is after today" "$ERR"
expect_exit "report with an unknown option" 1 db -C "$repo" report --weekly
expect_exit "report --help" 0 db report --help
expect_contains "report --help shows --since" "--since DATE" "$OUT"

# ---- an empty pipeline ----
empty=$(new_repo empty)
db -C "$empty" report --json > "$TMP/empty.json"
expect_eq "empty report matches the model" same "$(model "$empty" report "$TMP/empty.json")"
expect_eq "an empty stage: count 0, avg_days null" "0 None" \
    "$(jget "$TMP/empty.json" "str(d['stages'][4]['count']) + ' ' + str(d['stages'][4]['avg_days'])")"
expect_exit "empty flags" 0 db -C "$empty" flags
expect_eq "empty flags says so" "No flagged deals." "$OUT"
