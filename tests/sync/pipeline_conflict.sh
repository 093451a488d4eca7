#!/bin/sh
# pipeline.json changed on both sides to different values of the same key: the later
# commit's value wins and the other value is kept in pipeline.json's "conflicts" list,
# shared through git; sync's report and 'changes' show it, 'doctor' lists it until a
# person removes the entry. The teammate here is plain git (edits by hand, pushes).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/team.inc"

url=$(team_remote team) || { fail "team remote"; exit 1; }
a=$(clone_as "$url" alice "Alice Ames") && c=$(clone_as "$url" carol "Carol Cole") ||
    { fail "clones"; exit 1; }
b="$TMP/bob"
git clone -q "$url" "$b" && git -C "$b" config user.name "Bob Brown" &&
    git -C "$b" config user.email bob@example.com || { fail "git clone"; exit 1; }

# sound DIR DESC: after a dealboard command the clone is as git would leave it.
sound() {
    expect_eq "$2: git status is clean" "" "$(git -C "$1" status --porcelain 2>&1)"
    expect_eq "$2: git fsck --strict is clean" "exit 0" \
        "$(git -C "$1" fsck --strict --no-dangling 2>&1; echo "exit $?")"
}
# pj DIR EXPR: a Python expression on DIR's pipeline.json `d` (missing keys: None).
pj() {
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' \
        "$1/pipeline.json" "$2" 2> /dev/null
}
# edit DIR PYTHON: runs PYTHON on DIR's pipeline.json as `d` and writes it back.
edit() {
    python3 - "$1/pipeline.json" "$2" <<'PY'
import json, sys
p = sys.argv[1]; d = json.load(open(p)); exec(sys.argv[2])
open(p, "w").write(json.dumps(d, indent=2, ensure_ascii=False) + "\n")
PY
}
# bob_push MESSAGE [SECONDS]: bob commits his edit, dated SECONDS from now, and pushes.
bob_push() {
    when="@$(($(date +%s) + ${2:-0})) +0000"
    GIT_AUTHOR_DATE=$when GIT_COMMITTER_DATE=$when git -C "$b" commit -qam "$1" &&
        git -C "$b" push -q origin HEAD:main 2> /dev/null
}
conflicts() { pj "$1" '"|".join(e["text"] for e in d.get("conflicts", []))'; }

# -- currency: EUR→USD by bob (pushed first, earlier), EUR→CHF by alice (later)
edit "$b" 'd["currency"] = "USD"'
bob_push "Currency USD" -60 || fail "bob pushes"
edit "$a" 'd["currency"] = "CHF"'
expect_exit "alice's sync merges a same-key change to pipeline.json" 0 db -C "$a" sync
sound "$a" "after the merging sync"
report=$OUT
expect_eq "the later commit (alice's) wins" CHF "$(pj "$a" 'd["currency"]')"
expect_eq "one conflict is recorded in pipeline.json" 1 "$(pj "$a" 'len(d["conflicts"])')"
expect_eq "as a conflict entry like a deal's" "conflict dealboard" \
    "$(pj "$a" 'd["conflicts"][0]["kind"] + " " + d["conflicts"][0]["by"]')"
expect_eq "it names the key, both values and who won" \
    'currency: kept "CHF" (Alice Ames, later) over "USD" (Bob Brown)' "$(conflicts "$a")"
expect_contains "sync's report shows the pipeline.json conflict" \
    'conflict recorded: currency: kept "CHF" (Alice Ames, later) over "USD" (Bob Brown)' "$report"
expect_contains "under pipeline.json" "(pipeline.json)" "$report"
expect_contains "and points at doctor" "dealboard doctor" "$report"
expect_eq "the merge commit says where the conflict went" \
    "Merge teammates' changes: 1 other file, 1 conflict recorded in pipeline.json" \
    "$(last_message "$a")"
expect_exit "changes after the sync" 0 db -C "$a" changes
sound "$a" "after changes"
expect_contains "changes shows the losing value" '"USD" (Bob Brown)' "$OUT"
expect_exit "doctor with a recorded conflict" 0 db -C "$a" doctor
sound "$a" "after doctor"
listed='pipeline.json: sync conflict: currency: kept "CHF" (Alice Ames, later) over "USD"'
expect_contains "doctor lists it" "$listed (Bob Brown)" "$OUT"
expect_contains "doctor says what to do" 'delete its entry from "conflicts"' "$OUT"
git -C "$b" pull -q --no-rebase origin main 2> /dev/null
expect_contains "the record reaches the teammate through git" '"USD" (Bob Brown)' \
    "$(conflicts "$b")"
expect_exit "carol's sync fast-forwards to the merge" 0 db -C "$c" sync
sound "$c" "after carol's sync"
expect_contains "her report shows the conflict too" 'conflict recorded: currency: kept "CHF"' "$OUT"

# -- a stage's max_days: edits to different stages both survive, one conflict named
edit "$b" 'd["stages"][2]["max_days"] = 35'
bob_push "Define limit" 3600 || fail "bob pushes a stage limit"
edit "$a" 'd["stages"][2]["max_days"] = 28; d["stages"][3]["max_days"] = 45'
expect_exit "alice's sync merges stage limits" 0 db -C "$a" sync
sound "$a" "after the stage merge"
expect_eq "the later commit (bob's) wins define" 35 "$(pj "$a" 'd["stages"][2]["max_days"]')"
expect_eq "alice's explore limit (earlier, another stage) survives" 45 \
    "$(pj "$a" 'd["stages"][3]["max_days"]')"
expect_contains "the conflict names the stage and field" \
    'stages[define].max_days: kept 35 (Bob Brown, later) over 28 (Alice Ames)' "$(conflicts "$a")"
expect_eq "the earlier conflict is still listed" 2 "$(pj "$a" 'len(d["conflicts"])')"
expect_contains "sync's report shows it" "conflict recorded: stages[define].max_days" "$OUT"
expect_exit "doctor lists both" 0 db -C "$a" doctor
sound "$a" "after doctor with two"
expect_eq "two conflicts listed" 2 \
    "$(printf '%s\n' "$OUT" | grep -c '^pipeline.json: sync conflict: ')"

# -- acknowledged: bob removes the entries by hand and pushes; alice's doctor is quiet
git -C "$b" pull -q --no-rebase origin main 2> /dev/null
edit "$b" 'del d["conflicts"]'
bob_push "Settle pipeline conflicts" 3700 || fail "bob pushes the acknowledgement"
expect_exit "alice syncs the acknowledgement" 0 db -C "$a" sync
sound "$a" "after syncing the acknowledgement"
expect_eq "no conflicts left" None "$(pj "$a" 'd.get("conflicts")')"
expect_exit "doctor after the acknowledgement" 0 db -C "$a" doctor
sound "$a" "after doctor, nothing open"
expect_not_contains "doctor lists nothing" "sync conflict" "$OUT"

# -- a merge that is not a valid pipeline: the later version whole, the other kept whole
edit "$b" 'd["levels"]["watch"] = 4'
bob_push "Watch from 4" 3800 || fail "bob pushes levels"
edit "$a" 'd["levels"]["move-on"] = 3'
expect_exit "alice's sync merges levels that do not fit together" 0 db -C "$a" sync
sound "$a" "after the invalid merge"
expect_eq "bob's later version is kept whole" "4 4" \
    "$(pj "$a" 'str(d["levels"]["watch"]) + " " + str(d["levels"]["move-on"])')"
expect_contains "alice's whole version is recorded" '"move-on":3' "$(conflicts "$a")"
expect_contains "in words" "whole pipeline.json: kept the version by Bob Brown" "$(conflicts "$a")"
expect_exit "the merged pipeline.json is valid (doctor)" 0 db -C "$a" doctor
sound "$a" "after doctor on the kept version"
expect_contains "doctor lists it" "sync conflict: whole pipeline.json" "$OUT"
