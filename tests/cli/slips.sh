#!/bin/sh
# The slip ledger and honest close dates (SPEC §8): `show` lists every
# close-date change of a deal (day, from → to, ±N days, author), show --json
# has them, a shallow clone says in one line that the history is cut; the
# honest model recovers the generator's pushes; `report --by month|quarter`
# sums open deals per period of the stated and of the honest date, checked
# against figures computed here from list --json and show --json.
. "$(dirname "$0")/../lib.sh"
export TZ=UTC DEALBOARD_TODAY=2026-11-20
at() {
    GIT_AUTHOR_DATE="$1 12:00:00 +0000" GIT_COMMITTER_DATE="$1 12:00:00 +0000"
    export GIT_AUTHOR_DATE GIT_COMMITTER_DATE
}

# ---- one deal's ledger ------------------------------------------------------
repo=$(new_repo)
cd "$repo" || exit 1
at 2026-10-01
acme=$(db add "Acme Rollout" --value 85000 --stage define --close 2026-12-01)
quiet=$(db add "Quiet One" --value 1000 --stage define --close 2026-12-10)
at 2026-10-15; db set "$acme" close_date 2026-12-20 > /dev/null
at 2026-11-02; GIT_AUTHOR_NAME="Marco Rossi" db set "$acme" close_date 2027-01-15 > /dev/null
at 2026-11-10; db set "$acme" close_date 2026-12-20 > /dev/null
at 2026-11-11; db set "$acme" close_date 2026-12-20 > /dev/null 2>&1   # the same date: no change
out=$(db show "$acme")
expect_contains "the ledger's heading counts the changes" "Close date changes (3)" "$out"
expect_contains "a push: day, from → to, +days, author" \
    "  2026-10-15  2026-12-01 → 2026-12-20  +19 days  Test Seller" "$out"
expect_contains "another author's push" \
    "  2026-11-02  2026-12-20 → 2027-01-15  +26 days  Marco Rossi" "$out"
expect_contains "back to the same date: a pull-in" \
    "  2026-11-10  2027-01-15 → 2026-12-20  −26 days  Test Seller" "$out"
expect_contains "the honest close date, as stated for lack of history" \
    "Honest close  2026-12-20 as stated (not enough history: 0 won deals pushed 2× or more, 10 needed)" "$out"
expect_contains "a deal never changed says so" "Close date changes: none" "$(db show "$quiet")"
json=$(db show --json "$acme")
expect_eq "show --json: the changes" \
    '[["2026-10-15T12:00:00Z", "2026-12-01", "2026-12-20", 19, "Test Seller"], ["2026-11-02T12:00:00Z", "2026-12-20", "2027-01-15", 26, "Marco Rossi"], ["2026-11-10T12:00:00Z", "2027-01-15", "2026-12-20", -26, "Test Seller"]]' \
    "$(echo "$json" | pyjson '[(c["at"], c["from"], c["to"], c["days"], c["by"]) for c in d["close_date_changes"]]')"
expect_eq "show --json: the honest close" "2026-12-20 2026-12-20 2 False" \
    "$(echo "$json" | pyjson '" ".join(str(d["honest_close"][k]) for k in ("stated", "date", "pushes", "enough_history"))')"

# A shallow clone cannot know the changes: one line, not an error.
git clone -q --depth 1 "file://$repo" "$TMP/shallow" 2>/dev/null
out=$(db -C "$TMP/shallow" show "$acme" 2>&1); rc=$?
expect_eq "show in a shallow clone succeeds" 0 "$rc"
expect_contains "…and says the history is cut" "Close date changes: not known (this is a shallow clone" "$out"
expect_eq "…in one line" 1 "$(echo "$out" | grep -c 'shallow')"
expect_eq "show --json in a shallow clone: null changes" "null" \
    "$(db -C "$TMP/shallow" show --json "$acme" | pyjson 'd["close_date_changes"]')"
expect_contains "report --by in a shallow clone: honest = stated, and why" "the history cannot be read" \
    "$(db -C "$TMP/shallow" report --by month)"

# ---- bad --by --------------------------------------------------------------
rejects "a bad --by says what is accepted" "$repo" 1 "'week' is not a period; use month or quarter" \
    db report --by week
rejects "--since and --by do not mix" "$repo" 1 "use one of them" db report --by month --since 2026-01-01

# ---- a generated history: the model and the report ---------------------------
unset GIT_AUTHOR_DATE GIT_COMMITTER_DATE
hist=$TMP/history
python3 "$TOP/tests/bench/history_gen.py" "$hist" 300 --truth "$TMP/truth.json" > /dev/null ||
    { fail "generate"; exit 1; }
DEALBOARD_TODAY=$(pyjson 'd["today"]' < "$TMP/truth.json"); export DEALBOARD_TODAY
db -C "$hist" list --json > "$TMP/list.json"
db -C "$hist" report --json > "$TMP/stages.json"
for id in $(pyjson '" ".join(x["id"] for x in d["deals"] if x["status"] == "open")' < "$TMP/list.json"); do
    db -C "$hist" show --json "$id"
done | python3 -c '
import json, sys
dec, text, out = json.JSONDecoder(), sys.stdin.read(), {}
i = 0
while i < len(text):
    if text[i].isspace(): i += 1; continue
    d, i = dec.raw_decode(text, i); out[d["id"]] = d["honest_close"]
json.dump(out, sys.stdout)' > "$TMP/honest.json"
# The model recovers the generator: its pushes move a date by 7 to 45 days
# (uniform: median 26, within 3 days), and the further pushes it expects of
# a deal never pushed lie between what the truth's won deals by pushes give
# with 3+ read as 3 and as 4.
verdict=$(python3 - "$TMP/truth.json" "$TMP/honest.json" <<'PY'
import json, sys
truth, honest = (json.load(open(p)) for p in sys.argv[1:3])
rows = truth["slips"]["won_rate_by_pushes"]
won = sum(r["won"] for r in rows)
lo = sum(r["pushes"] * r["won"] for r in rows) / won
hi = lo + rows[3]["won"] / won
bad = []
fresh = [h for h in honest.values() if h["pushes"] == 0 and h["enough_history"]]
if not fresh:
    bad.append("no open deal never pushed with enough history")
for h in fresh[:1]:
    if abs(h["push_days"] - 26) > 3 or h["push_days"] != truth["slips"]["median_slip_days"]:
        bad.append(f"push_days {h['push_days']}, generator {truth['slips']['median_slip_days']} (~26)")
    if not lo - 1e-9 <= h["further_pushes"] <= hi + 1e-9:
        bad.append(f"further_pushes {h['further_pushes']}, generator between {lo:.3f} and {hi:.3f}")
print("; ".join(bad) or "ok")
PY
)
expect_eq "the honest model recovers the generator's pushes" "ok" "$verdict"

# report --by: the same sums computed here from list --json and the honest dates.
for by in month quarter; do
    db -C "$hist" report --by "$by" --json > "$TMP/report.json" || fail "report --by $by --json"
    verdict=$(python3 - "$TMP/list.json" "$TMP/honest.json" "$TMP/report.json" "$by" \
        "$TMP/stages.json" <<'PY'
import json, sys
deals, honest, report = (json.load(open(p)) for p in sys.argv[1:4])
by, cfg = sys.argv[4], json.load(open(sys.argv[5]))
prob = {s["id"]: s["probability"] for s in cfg["stages"]}
def period(date):
    y, m = int(date[:4]), int(date[5:7])
    return f"{y:04d}-{m:02d}" if by == "month" else f"{y:04d}-Q{(m - 1) // 3 + 1}"
want = {}
for x in deals["deals"]:
    if x["status"] != "open" or x.get("moved_on") or not x.get("close_date"):
        continue
    w = (x["value"] * prob.get(x["stage"], 0) + 50) // 100
    for kind, date in (("stated", x["close_date"]), ("honest", honest[x["id"]]["date"])):
        s = want.setdefault(period(date), {}).setdefault(kind, [0, 0, 0])
        s[0] += 1; s[1] += x["value"]; s[2] += w
got = {r["period"]: {k: [r[k]["count"], r[k]["value"], r[k]["weighted"]] for k in ("stated", "honest")}
       for r in report["periods"]}
bad = []
for p, kinds in want.items():
    for k, v in kinds.items():
        if got.get(p, {}).get(k) != v:
            bad.append(f"{p} {k}: {got.get(p, {}).get(k)}, expected {v}")
for p, kinds in got.items():
    for k, v in kinds.items():
        if v != [0, 0, 0] and want.get(p, {}).get(k) is None:
            bad.append(f"{p} {k}: {v}, expected nothing")
labels = [r["period"] for r in report["periods"]]
if labels != sorted(labels): bad.append("periods out of order")
if report["moved"] == 0: bad.append("no deal moved period: the honest dates changed nothing")
print("; ".join(bad) or "ok")
PY
)
    expect_eq "report --by $by: stated and honest sums per period" "ok" "$verdict"
done
text=$(db -C "$hist" report --by quarter)
expect_contains "the text report has both sides" "STATED CLOSE DATE" "$text"
expect_contains "…per quarter" "-Q1 " "$text"
expect_eq "every row of the text report fits 80 columns" "" "$(echo "$text" | awk 'length($0) > 80')"
