#!/bin/sh
# dealboard stats --flow on a history made day by day with dealboard and the
# git CLI (GIT_AUTHOR_DATE/GIT_COMMITTER_DATE): the lines are the ones this
# script made happen, the open pipeline at the start and the end is read
# independently from the commits with git and Python, and start + lines +
# value changes = end.
. "$(dirname "$0")/../lib.sh"
export DEALBOARD_TODAY=2026-11-20          # the week: 2026-11-14 .. 2026-11-20
R=$(new_repo) || { fail "init"; exit 1; }

# on DAY CMD…: runs CMD with the commit dated DAY, 10:00 UTC.
on() {
    _day=$1; shift
    GIT_AUTHOR_DATE="$_day 10:00:00 +0000" GIT_COMMITTER_DATE="$_day 10:00:00 +0000" "$@"
}
add() { on "$1" db -C "$R" add "$2" --value "$3" --close 2026-12-15; }
set_value_by_hand() { # DAY ID VALUE: an edit in a text editor, committed with git
    f=$(deal_path "$R" "$2")
    python3 -c 'import json, sys
d = json.load(open(sys.argv[1])); d["value"] = int(sys.argv[2])
json.dump(d, open(sys.argv[1], "w"), indent=2, ensure_ascii=False)' "$f" "$3"
    on "$1" git -C "$R" commit -qam "value by hand"
}

# ---- before the week ------------------------------------------------------
A=$(add 2026-11-01 "Alpha" 10000) && B=$(add 2026-11-01 "Bravo" 20000) &&
C=$(add 2026-11-02 "Charlie" 5000) && D=$(add 2026-11-02 "Delta" 7000) &&
E=$(add 2026-11-03 "Echo" 3000) && F=$(add 2026-11-03 "Foxtrot" 8000) &&
X=$(add 2026-11-04 "X-ray" 1000) || fail "deals before the week"
on 2026-11-05 db -C "$R" won "$E" > /dev/null        # closed before: not in the week
on 2026-11-06 db -C "$R" lost "$F" > /dev/null
# ---- the week -------------------------------------------------------------
G=$(add 2026-11-15 "Golf" 4000) && H=$(add 2026-11-16 "Hotel" 2500) || fail "new deals"
on 2026-11-16 db -C "$R" set "$A" value 12000 > /dev/null       # +2000
on 2026-11-16 db -C "$R" won "$A" > /dev/null                   # won at 12000
on 2026-11-17 db -C "$R" set "$B" close_date 2027-01-31 > /dev/null   # pushed
on 2026-11-17 db -C "$R" set "$C" close_date 2026-11-30 > /dev/null   # pulled in
set_value_by_hand 2026-11-18 "$C" 6000                          # +1000
on 2026-11-18 db -C "$R" moveon "$D" --reason "no budget this year" > /dev/null
on 2026-11-19 db -C "$R" reopen "$F" > /dev/null                # reopened at 8000
on 2026-11-19 db -C "$R" set "$B" value 18000 > /dev/null       # -2000
on 2026-11-19 git -C "$R" rm -q "$(deal_path "$R" "$X")" &&
    on 2026-11-19 git -C "$R" commit -qm "X-ray was a duplicate"   # removed
on 2026-11-20 db -C "$R" lost "$H" > /dev/null
# ---- after today: left out --------------------------------------------------
add 2026-11-22 "India" 50000 > /dev/null
expect_eq "the history has every change" 23 "$(commit_count "$R")"

# open_at DATE: "deals value" of the open deals in the last commit made on
# or before DATE, read with git and Python alone.
open_at() {
    rev=$(git -C "$R" rev-list -1 --before="$1 23:59:59 +0000" HEAD)
    [ -n "$rev" ] || { echo "0 0"; return; }
    git -C "$R" ls-tree -r --name-only "$rev" deals | while read -r path; do
        git -C "$R" show "$rev:$path"; echo; echo '---'
    done | python3 -c 'import json, sys
docs = [json.loads(t) for t in sys.stdin.read().split("\n---\n") if t.strip()]
open_ = [d for d in docs if d.get("status", "open") == "open"]
print(len(open_), sum(d.get("value", 0) for d in open_))'
}

json=$(db -C "$R" stats --flow --json) || fail "stats --flow --json" "$json"
line() { printf '%s\n' "$json" | pyjson "str(d[\"$1\"][\"deals\"]) + \" \" + str(d[\"$1\"][\"value\"])"; }
expect_eq "the period is the week ending today" "2026-11-14 2026-11-20 7" \
    "$(printf '%s\n' "$json" | pyjson 'd["from"] + " " + d["to"] + " " + str(d["days"])')"
expect_eq "open at the start: what git had on 2026-11-13" "$(open_at 2026-11-13)" "$(line open_start)"
expect_eq "open at the start: Alpha, Bravo, Charlie, Delta, X-ray" "5 43000" "$(line open_start)"
expect_eq "open at the end: what git had on 2026-11-20" "$(open_at 2026-11-20)" "$(line open_end)"
expect_eq "open at the end: Bravo, Charlie, Foxtrot, Golf" "4 36000" "$(line open_end)"
expect_eq "new: Golf and Hotel (not India, after today)" "2 6500" "$(line new)"
expect_eq "reopened: Foxtrot" "1 8000" "$(line reopened)"
expect_eq "won: Alpha at its closing value" "1 12000" "$(line won)"
expect_eq "lost: Hotel" "1 2500" "$(line lost)"
expect_eq "moved on: Delta" "1 7000" "$(line moved_on)"
expect_eq "removed with git rm: X-ray" "1 1000" "$(line removed)"
expect_eq "pushed: Bravo, at its value then" "1 20000" "$(line pushed)"
expect_eq "pulled in: Charlie" "1 5000" "$(line pulled_in)"
expect_eq "value changes: +2000 (Alpha) +1000 (Charlie, by hand) -2000 (Bravo)" "1000" \
    "$(printf '%s\n' "$json" | pyjson 'd["value_changes"]')"
expect_eq "start + in - out + value changes = end (value and deals)" "ok" \
    "$(printf '%s\n' "$json" | pyjson '"ok" if all(
        d["open_start"][x] + sum(s * d[k][x] for k, s in (("new", 1), ("reopened", 1),
        ("won", -1), ("lost", -1), ("moved_on", -1), ("removed", -1)))
        + (d["value_changes"] if x == "value" else 0) == d["open_end"][x]
        for x in ("deals", "value")) else d')"
expect_eq "stats --json carries the same flow" "$(printf '%s\n' "$json" | pyjson 'd')" \
    "$(db -C "$R" stats --json | pyjson 'd["flow"]')"

# ---- other periods ------------------------------------------------------------
json=$(db -C "$R" stats --flow --json --since 2026-11-18)
expect_eq "--since: open at its start is what git had the day before" "$(open_at 2026-11-17)" "$(line open_start)"
expect_eq "--since: only the changes from then on" "0 0|1 7000|1 8000" \
    "$(line new)|$(line moved_on)|$(line reopened)"
json=$(db -C "$R" stats --flow --json --days 1)
expect_eq "--days 1: today only" "2026-11-20 2026-11-20|1 2500|0 0" \
    "$(printf '%s\n' "$json" | pyjson 'd["from"] + " " + d["to"]')|$(line lost)|$(line won)"
json=$(db -C "$R" stats --flow --json --days 30)
expect_eq "--days 30: from before the first deal" "0 0|9 60500" "$(line open_start)|$(line new)"

# ---- the text -----------------------------------------------------------------
text=$(db -C "$R" stats --flow)
expect_contains "text: the period" "flow from 2026-11-14 to 2026-11-20 (7 days)" "$text"
expect_contains "text: the start" "Open at the start (2026-11-14)      5 deals           43,000" "$text"
expect_contains "text: won" "-  Won                                 1 deal            12,000" "$text"
expect_contains "text: value changes, signed" "+- Value changes of open deals                           +1,000" "$text"
expect_contains "text: the end" "=  Open at the end (2026-11-20)        4 deals           36,000" "$text"
expect_contains "text: pushed" "Pushed (later)                      1 deal            20,000" "$text"

# ---- bad periods --------------------------------------------------------------
rejects "--days 0" "$R" 1 "--days: '0' is not a number of days" db -C "$R" stats --flow --days 0
rejects "--days with words" "$R" 1 "from 1 to" db -C "$R" stats --flow --days week
rejects "--since after today" "$R" 1 "is after today" db -C "$R" stats --flow --since 2026-12-01
rejects "--since and --days" "$R" 1 "give one of them" db -C "$R" stats --flow --since 2026-11-01 --days 3
