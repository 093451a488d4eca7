# Status-quo clusters (SPEC §9): `set ID cluster`, and `dealboard clusters`
# per cluster: open, won, lost, moved on, win rate and the stage where its
# deals stall; checked against figures computed here from the deal files.
. "$(dirname "$0")/../lib.sh"

R=$(new_repo) && [ -d "$R/.git" ] || { fail "new_repo" "no repository"; exit 1; }

# mk TITLE CLUSTER STAGE: a deal in the cluster ("" for none) and the stage.
mk() {
    id=$(db -C "$R" add "$1" --stage "$3" --next "Call" --due +3) || return 1
    [ -z "$2" ] || db -C "$R" set "$id" cluster "$2" > /dev/null
    echo "$id"
}
# entered ID DATE: the deal entered its stage on DATE (a fixture written by
# hand and committed, as a teammate's older deal would be).
entered() {
    python3 - "$(deal_path "$R" "$1")" "$2" <<'PY'
import json, sys
path, date = sys.argv[1], sys.argv[2]
d = json.load(open(path))
d["stage_entered"] = date
d["created"] = "2026-01-01"
open(path, "w").write(json.dumps(d, indent=2, ensure_ascii=False) + "\n")
PY
    git -C "$R" commit -qam "Backdate $1"
}

count=$(commit_count "$R")
A=$(mk "Acme" "" define)
expect_exit "set cluster exits 0" 0 db -C "$R" set "$A" cluster "spreadsheets"
expect_eq "set cluster: the file" "spreadsheets" "$(field "$R" "$A" 'd["cluster"]')"
expect_eq "set cluster: one commit more" $((count + 2)) "$(commit_count "$R")"
expect_contains "show: the cluster" "Cluster       spreadsheets" "$(db -C "$R" show "$A")"
expect_contains "show --json: the cluster" '"cluster": "spreadsheets"' "$(db -C "$R" show "$A" --json)"
expect_contains "export: a cluster column" ",champion,cluster,tags," "$(db -C "$R" export --csv | head -1)"

# spreadsheets: Acme (define, 22 days: stalled, limit 21), Beta (define, 21
# days: not stalled), 2 won, 1 lost in explore, 1 moved on in explore.
entered "$A" 2026-10-29
B=$(mk "Beta" spreadsheets define); entered "$B" 2026-10-30
W1=$(mk "Won one" spreadsheets decide); db -C "$R" won "$W1" > /dev/null
W2=$(mk "Won two" " spreadsheets " decide); db -C "$R" won "$W2" > /dev/null
L1=$(mk "Lost one" spreadsheets explore); db -C "$R" lost "$L1" > /dev/null
M1=$(mk "Moved one" spreadsheets explore); db -C "$R" moveon "$M1" --reason "no budget" > /dev/null
# paper: one open deal, nothing decided; a stalled one in evaluate (31 days, limit 30).
P1=$(mk "Paper one" paper explore)
P2=$(mk "Paper two" paper evaluate); entered "$P2" 2026-10-20
# no cluster: one won.
N1=$(mk "No cluster" "" decide); db -C "$R" won "$N1" > /dev/null
assert_invariants "$R" "after the fixture: §7 invariants"

# The same figures, from the files: stalled = open and more days in the
# stage than its max_days in pipeline.json.
expected=$(python3 - "$R" <<'PY'
import glob, json, sys, datetime
root = sys.argv[1]
stages = json.load(open(root + "/pipeline.json"))["stages"]
order = [s["id"] for s in stages]
limit = {s["id"]: s["max_days"] for s in stages}
today = datetime.date(2026, 11, 20)
rows = {}
for p in glob.glob(root + "/deals/*/*.json"):
    d = json.load(open(p))
    name = (d.get("cluster") or "").strip() or None
    r = rows.setdefault(name, {"open": 0, "won": 0, "lost": 0, "moved-on": 0, "stall": {}})
    r[d["status"]] += 1
    days = (today - datetime.date.fromisoformat(d["stage_entered"])).days
    stopped = (d["status"] == "open" and days > limit[d["stage"]]) or d["status"] in ("lost", "moved-on")
    if stopped:
        r["stall"][d["stage"]] = r["stall"].get(d["stage"], 0) + 1
out = []
for name, r in sorted(rows.items(), key=lambda kv: (kv[0] is None, -(kv[1]["open"] + kv[1]["won"] + kv[1]["lost"] + kv[1]["moved-on"]), kv[0] or "")):
    decided = r["won"] + r["lost"] + r["moved-on"]
    rate = r["won"] * 100 // decided if decided else None
    stall = None
    if r["stall"]:
        best = max(r["stall"].values())
        sid = next(s for s in order if r["stall"].get(s) == best)
        stall = {"stage": sid, "deals": best}
    out.append([name, r["open"], r["won"], r["lost"], r["moved-on"], decided, rate, stall])
print(json.dumps(out))
PY
)
expect_exit "clusters --json exits 0" 0 db -C "$R" clusters --json
got=$(printf '%s' "$OUT" | python3 -c '
import json, sys
rows = json.load(sys.stdin)["clusters"]
print(json.dumps([[r["cluster"], r["open"], r["won"], r["lost"], r["moved_on"], r["decided"], r["win_rate"],
                   r["stalls_in"] and {"stage": r["stalls_in"]["stage"], "deals": r["stalls_in"]["deals"]}] for r in rows]))')
expect_eq "clusters --json: the figures computed from the files" "$expected" "$got"
expect_eq "clusters --json: spelled out" \
    '[["spreadsheets", 2, 2, 1, 1, 4, 50, {"stage": "explore", "deals": 2}], ["paper", 2, 0, 0, 0, 0, null, {"stage": "evaluate", "deals": 1}], [null, 0, 1, 0, 0, 1, 100, null]]' \
    "$got"

expect_exit "clusters exits 0" 0 db -C "$R" clusters
expect_contains "clusters: header" "Cluster                   Open   Won  Lost  Moved on  Win rate  Stalls most in" "$OUT"
expect_contains "clusters: spreadsheets" "spreadsheets                 2     2     1         1       50%  Explore (2)" "$OUT"
expect_contains "clusters: paper, nothing decided" "paper                        2     0     0         0         -  Evaluate (1)" "$OUT"
expect_contains "clusters: deals without one" "(none)                       0     1     0         0      100%  -" "$OUT"
expect_contains "clusters: says how stalling is counted" "lost or moved-on deals" "$OUT"

# Beta one day later is stalled too: define ties explore, the earlier stage wins.
DEALBOARD_TODAY=2026-11-21 expect_exit "clusters a day later" 0 db -C "$R" clusters
expect_contains "clusters: a tie goes to the earlier stage" "spreadsheets                 2     2     1         1       50%  Define (2)" "$OUT"

# Untrusted text: an escape sequence in a cluster name is not printed.
db -C "$R" set "$P1" cluster "$(printf 'evil\033]0;x\007')" > /dev/null
expect_exit "clusters with a hostile name" 0 db -C "$R" clusters
expect_not_contains "clusters: no escape sequence" "$(printf '\033')" "$OUT"

expect_exit "clusters: unknown option" 1 db -C "$R" clusters --bogus
expect_exit "clusters: no extra arguments" 1 db -C "$R" clusters spreadsheets

E=$(new_repo empty)
expect_exit "clusters in an empty pipeline" 0 db -C "$E" clusters
expect_eq "clusters: empty pipeline in words" "No deals yet." "$OUT"
expect_exit "clusters --json in an empty pipeline" 0 db -C "$E" clusters --json
expect_eq "clusters --json: empty list" '{
  "clusters": []
}' "$OUT"

# Insights that worked: the insight a deal has now, set while in a stage,
# then the deal reached a later stage or was won (from the event index).
F1=$(mk "Fax one" fax define)
db -C "$R" set "$F1" insight "Faxes get lost at month end" > /dev/null
db -C "$R" move "$F1" evaluate > /dev/null 2>&1
F2=$(mk "Fax two" fax define)                    # its insight of now came after the move
db -C "$R" set "$F2" insight "an older insight" > /dev/null
db -C "$R" move "$F2" explore > /dev/null 2>&1
db -C "$R" set "$F2" insight "Newer words" > /dev/null
F3=$(mk "Fax three" fax explore)
db -C "$R" set "$F3" insight "Signed because audits failed" > /dev/null
db -C "$R" won "$F3" > /dev/null
F4=$(mk "Fax four" fax define)                   # never moved
db -C "$R" set "$F4" insight "Never moved" > /dev/null
F5=$(mk "Fax five" fax decide)                   # hostile text
db -C "$R" set "$F5" insight "$(printf 'Evil\033[2J insight')" > /dev/null
db -C "$R" won "$F5" > /dev/null
F6=$(mk "Fax six" fax decide)
db -C "$R" set "$F6" insight "Six" > /dev/null
db -C "$R" won "$F6" > /dev/null
W3=$(mk "Won late" fax decide); db -C "$R" won "$W3" > /dev/null   # set after the win
db -C "$R" set "$W3" insight "Written after the win" > /dev/null
assert_invariants "$R" "after the insights: §7 invariants"

# insights_of DIR: the fax cluster's insights as "deal stage_then moved_to from_history", sorted.
insights_of() {
    db -C "$1" clusters --json | python3 -c '
import json, sys
for r in json.load(sys.stdin)["clusters"]:
    if r["cluster"] == "fax":
        print(" ".join(sorted("%s %s %s %s" % (i["deal"], i["stage_then"], i["moved_to"], i["from_history"])
                              for i in r["insights"])))'
}
expect_eq "clusters --json: the insights that worked, from the history" \
    "$(printf '%s\n' "$F1 define evaluate True" "$F3 explore won True" "$F5 decide won True" "$F6 decide won True" | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')" \
    "$(insights_of "$R")"
expect_exit "clusters --json with insights" 0 db -C "$R" clusters --json
expect_contains "clusters --json: the text as written" '"text": "Faxes get lost at month end"' "$OUT"
expect_contains "clusters --json: the day it was set" "\"recorded\": \"$(date +%Y-%m-%d)\"" "$OUT"

expect_exit "clusters with insights" 0 db -C "$R" clusters
expect_contains "clusters: insights heading" "Insights that worked (recorded on deals that then moved forward; most recent first):" "$OUT"
expect_contains "clusters: three per cluster, then how many more" "  ... 1 more (--insights shows all)" "$OUT"
expect_not_contains "clusters: an insight written after the move is not one" "Newer words" "$OUT"
expect_not_contains "clusters: an insight written after the win is not one" "Written after the win" "$OUT"
expect_not_contains "clusters: no escape sequence from an insight" "$(printf '\033')" "$OUT"
expect_exit "clusters --insights" 0 db -C "$R" clusters --insights
expect_eq "clusters --insights: all four fax insights" 4 \
    "$(printf '%s\n' "$OUT" | grep -c -e "^  $F1 " -e "^  $F3 " -e "^  $F5 " -e "^  $F6 ")"
expect_contains "clusters: an insight, where it was set and where the deal went" \
    "$F1 (Define -> Evaluate, set $(date +%Y-%m-%d)): Faxes get lost at month end" "$OUT"
expect_not_contains "clusters --insights: nothing more to show" "more (--insights" "$OUT"

# A deal that came with its insight in its first commit (a file added by
# hand, an import): the history does not say when it was written, so it is
# judged by where the deal is now, marked so.
H=handmade-0000aa
python3 - "$(deal_path "$R" "$F4")" "$(deal_path "$R" "$H")" "$H" <<'PY'
import json, os, sys
d = json.load(open(sys.argv[1]))
d.update(id=sys.argv[3], title="Handmade", stage="evaluate", insight="Came with it")
os.makedirs(os.path.dirname(sys.argv[2]), exist_ok=True)
open(sys.argv[2], "w").write(json.dumps(d, indent=2, ensure_ascii=False) + "\n")
PY
git -C "$R" add -A && git -C "$R" commit -qm "Add $H by hand"
expect_contains "an insight the deal came with: judged by now" "$H None evaluate False" "$(insights_of "$R")"
expect_exit "clusters --insights with a handmade deal" 0 db -C "$R" clusters --insights
expect_contains "…marked as not from the history" "$H (now Evaluate; no history): Came with it" "$OUT"

# Without history (a shallow clone): judged by where each deal is now, marked so.
S=$TMP/shallow
git clone -q --depth 1 "file://$R" "$S"
expect_eq "clusters --json without history: won or past define now" \
    "$(printf '%s\n' "$F1 None evaluate False" "$F2 None explore False" "$F3 None won False" "$F5 None won False" "$F6 None won False" "$W3 None won False" "$H None evaluate False" | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')" \
    "$(insights_of "$S")"
expect_exit "clusters without history" 0 db -C "$S" clusters --insights
expect_contains "clusters without history: says so" "$F2 (now Explore; no history): Newer words" "$OUT"
