#!/bin/sh
# Time travel (SPEC §8, issue 17): `list|flags|report --as-of D` is what the
# same command said, with today = D, on a checkout of the last commit of the
# first-parent line committed on or before the end of D (UTC). A history over
# many days is made by dealboard and by hand with git (commit dates set
# through GIT_AUTHOR_DATE/GIT_COMMITTER_DATE, which dealboard honours), with a
# merge of a side branch, a day boundary at 23:30/00:30 and a renamed stage.
. "$(dirname "$0")/../lib.sh"
export TZ=UTC

# at DAY [HH:MM]: commits from now on are dated DAY at that time (UTC), and
# dealboard's today is DAY.
at() {
    export GIT_AUTHOR_DATE="$1T${2:-12:00}:00Z" GIT_COMMITTER_DATE="$1T${2:-12:00}:00Z"
    export DEALBOARD_TODAY="$1"
}
# hand_edit REPO ID EXPR MESSAGE: a change made by hand (python over the
# deal's JSON, bound to d) and committed with the git command line.
hand_edit() {
    python3 - "$(deal_path "$1" "$2")" "$3" <<'EOF'
import json, sys
path, expr = sys.argv[1], sys.argv[2]
d = json.load(open(path, encoding="utf-8"))
exec(expr)
open(path, "w", encoding="utf-8").write(json.dumps(d, indent=2, ensure_ascii=False) + "\n")
EOF
    git -C "$1" commit -qam "$4"
}
# without_as_of: the JSON on stdin, its "as_of" key taken out, in one form.
without_as_of() {
    python3 -c 'import json, sys
d = json.load(sys.stdin); d.pop("as_of", None)
print(json.dumps(d, indent=1, sort_keys=True, ensure_ascii=False))'
}
# commit_on_or_before REPO DAY: the last first-parent commit dated by then.
commit_on_or_before() {
    cutoff=$(date -u -d "$2 23:59:59" +%s)
    git -C "$1" log --first-parent --format='%H %ct' | awk -v c="$cutoff" '$2 <= c {print $1; exit}'
}

# ---- the history ----------------------------------------------------------
at 2025-03-03 09:00
repo=$(new_repo)
cd "$repo" || exit 1
at 2025-03-04
acme=$(db add "Acme Rollout" --account Acme --value 85000 --stage define --next "Call Lars" --due 2025-03-10)
at 2025-03-05
big=$(db add "Big Win" --account Bigco --value 120000 --stage explore --close 2025-04-30)
at 2025-03-07
db move "$acme" explore > /dev/null
db note "$big" "budget confirmed" > /dev/null
at 2025-03-07 23:30                          # the last minutes of the 7th…
db set "$big" close_date 2025-05-31 > /dev/null
at 2025-03-08 00:30                          # …and the first of the 8th
late=$(db add "Late Night" --account Owl --value 5000 --next "Write" --due 2025-03-20)
at 2025-03-10
hand_edit . "$acme" 'd["value"] = 90000' "Acme: value by hand"
at 2025-03-11
# A side branch whose commit is dated before the merge: the main line had
# not seen it until the merge on the 13th.
git checkout -q -b side
side=$(db add "Side Deal" --account Branch --value 7000)
git checkout -q main
at 2025-03-12
db touch "$acme" "called Lars" > /dev/null
at 2025-03-13
git merge -q --no-ff -m "Merge side" side
at 2025-03-14
python3 - pipeline.json <<'EOF'
import json, sys
cfg = json.load(open(sys.argv[1]))
for s in cfg["stages"]:
    if s["id"] == "explore":
        s["name"] = "Discovery"
open(sys.argv[1], "w").write(json.dumps(cfg, indent=2) + "\n")
EOF
git commit -qam "Rename the Explore stage"
at 2025-03-17
db won "$big" > /dev/null
at 2025-03-18
db note "$acme" "secret after the 17th" > /dev/null
db lost "$late" --reason "no budget" > /dev/null
at 2025-03-21
late2=$(db add "After Everything" --value 1000)
at 2025-03-24
unset GIT_AUTHOR_DATE GIT_COMMITTER_DATE
export DEALBOARD_TODAY=2025-03-24
db list --all > /dev/null                    # the load cache of today, warm

# ---- equals the command on a checkout of that commit, for every day -------
check="$TMP/check"
git clone -q "$repo" "$check"
head_before=$(git rev-parse HEAD)
days="2025-03-03 2025-03-04 2025-03-05 2025-03-06 2025-03-07 2025-03-08 2025-03-09 2025-03-10
2025-03-11 2025-03-12 2025-03-13 2025-03-14 2025-03-15 2025-03-16 2025-03-17 2025-03-18
2025-03-19 2025-03-20 2025-03-21 2025-03-22 2025-03-24"
# Every day: list --all; flags, report and list without --all on every other.
# The outputs are compared by one python at the end (it starts slowly).
mkdir "$TMP/cmp"
n=0 k=0
for day in $days; do
    commit=$(commit_on_or_before . "$day")
    git -C "$check" checkout -q --detach "$commit"
    cmds="list --json --all"
    [ $((k % 2)) = 0 ] && cmds="$cmds|flags --json|report --json|list --json"
    k=$((k + 1))
    IFS='|'
    for cmd in $cmds; do
        unset IFS
        n=$((n + 1))
        printf '%s\n%s %s %s\n' "$cmd --as-of $day (commit $(printf %.7s "$commit"))" \
            "$day" "$commit" "$day" > "$TMP/cmp/$n.case"
        # shellcheck disable=SC2086
        DEALBOARD_TODAY=$day db -C "$check" $cmd > "$TMP/cmp/$n.want"
        # shellcheck disable=SC2086
        db $cmd --as-of "$day" > "$TMP/cmp/$n.got"
    done
    unset IFS
done
python3 - "$TMP/cmp" <<'EOF' > "$TMP/cmp.out"
import glob, json, os, sys
cases = glob.glob(os.path.join(sys.argv[1], "*.case"))
for case in sorted(cases, key=lambda p: int(os.path.basename(p)[:-5])):
    base = case[:-5]
    desc, names = open(case).read().splitlines()
    want, got = json.load(open(base + ".want")), json.load(open(base + ".got"))
    as_of = got.pop("as_of", {})
    diff = {k: [want.get(k), got.get(k)] for k in set(want) | set(got) if want.get(k) != got.get(k)}
    print("%s\t%s equals the command on a checkout of that commit with today that day\t%s" %
          ("fail" if diff else "ok", desc, json.dumps(diff)[:2000]))
    said = "%s %s %s" % (as_of.get("date"), as_of.get("commit"), got.get("today"))
    print("%s\t%s names the day, its commit and today\texpected %s, got %s" %
          ("ok" if said == names else "fail", desc, names, said))
EOF
expect_eq "every comparison ran" "$((2 * n))" "$(wc -l < "$TMP/cmp.out")"
tab=$(printf '\t')
while IFS="$tab" read -r result desc detail; do
    if [ "$result" = ok ]; then ok "$desc"; else fail "$desc" "$detail"; fi
done < "$TMP/cmp.out"

# ---- nothing after the day shows ------------------------------------------
ids() { db list --all --json --as-of "$1" | pyjson '" ".join(sorted(x["id"] for x in d["deals"]))'; }
expect_not_contains "a deal added on the 21st is not there on the 20th" "$late2" "$(ids 2025-03-20)"
expect_contains "…and is on the 21st" "$late2" "$(ids 2025-03-21)"
expect_not_contains "a deal committed at 00:30 on the 8th is not there on the 7th" "$late" "$(ids 2025-03-07)"
expect_contains "…and is on the 8th" "$late" "$(ids 2025-03-08)"
# The day ends at midnight local time (SPEC §8). POSIX TZ strings: no tzdata needed.
expect_contains "in UTC-5, 00:30 UTC on the 8th is the evening of the 7th" "$late" \
    "$(TZ=EST5 ids 2025-03-07)"
expect_not_contains "in UTC+9, 00:30 UTC on the 8th is morning of the 8th: not on the 7th" "$late" \
    "$(TZ=JST-9 ids 2025-03-07)"
expect_eq "in UTC+9, the close date set at 23:30 UTC on the 7th is the 8th's" "2025-04-30" \
    "$(TZ=JST-9 db list --json --as-of 2025-03-07 | pyjson "[str(x['close_date']) for x in d['deals'] if x['id'] == '$big'][0]")"
expect_not_contains "a side-branch commit of the 11th is not there before the merge" "$side" "$(ids 2025-03-12)"
expect_contains "…and is after it" "$side" "$(ids 2025-03-13)"
expect_eq "the close date set at 23:30 on the 7th counts for the 7th" "2025-05-31 1" \
    "$(db list --json --as-of 2025-03-07 | pyjson "[str(x['close_date']) + ' ' + str(x['close_date_pushes']) for x in d['deals'] if x['id'] == '$big'][0]")"
acme_17=$(db list --json --as-of 2025-03-17)
expect_not_contains "a note of the 18th does not leak into the 17th" "secret after" "$acme_17"
expect_contains "…it is there on the 18th" "secret after" "$(db list --json --as-of 2025-03-18)"
expect_eq "a deal won on the 17th is open on the 16th" "open" \
    "$(db list --json --as-of 2025-03-16 | pyjson "[x['status'] for x in d['deals'] if x['id'] == '$big'][0]")"
expect_eq "the hand edit of the 10th shows from the 10th" "85000 90000" \
    "$(db list --json --as-of 2025-03-09 | pyjson "[str(x['value']) for x in d['deals'] if x['id'] == '$acme'][0]") $(db list --json --as-of 2025-03-10 | pyjson "[str(x['value']) for x in d['deals'] if x['id'] == '$acme'][0]")"
expect_contains "the stage's name of that day (pipeline.json of the commit)" "Explore" \
    "$(db list --as-of 2025-03-13)"
expect_contains "…renamed on the 14th" "Discovery" "$(db list --as-of 2025-03-14)"
expect_eq "days in stage count to that day" 6 \
    "$(db list --json --as-of 2025-03-13 | pyjson "[str(x['days_in_stage']) for x in d['deals'] if x['id'] == '$acme'][0]")"

# An uncommitted change in the work tree is of today, not of any past day.
cp "$(deal_path . "$acme")" "$TMP/acme.json"
hand_edit_nocommit() { sed -i 's/"title": "Acme Rollout"/"title": "Uncommitted"/' "$(deal_path . "$acme")"; }
hand_edit_nocommit
db list > /dev/null                          # and into the load cache
expect_not_contains "the work tree's uncommitted edit does not show as of today" "Uncommitted" \
    "$(db list --all --json --as-of 2025-03-24)"
cp "$TMP/acme.json" "$(deal_path . "$acme")"

# ---- the header says which commit ------------------------------------------
c10=$(commit_on_or_before . 2025-03-11)
expect_eq "list --as-of: the first line names the day and the commit" \
    "As of 2025-03-11 (commit $(printf %.7s "$c10") of 2025-03-10)" "$(db list --as-of 2025-03-11 | head -1)"
expect_eq "flags --as-of: the same first line" \
    "As of 2025-03-11 (commit $(printf %.7s "$c10") of 2025-03-10)" "$(db flags --as-of 2025-03-11 | head -1)"
expect_contains "report --as-of: the same first line, then the forecast of that day" \
    "As of 2025-03-11 (commit $(printf %.7s "$c10") of 2025-03-10)
$(basename "$repo"): forecast on 2025-03-11" "$(db report --as-of 2025-03-11)"
expect_eq "report --since counts from the --as-of day" "2025-03-10" \
    "$(db report --json --as-of 2025-03-17 --since 2025-03-10 | pyjson 'd["since"]')"
expect_not_contains "list without --as-of has no as_of key" '"as_of"' "$(db list --json)"

# ---- errors: clear, exit 1, nothing written ---------------------------------
rejects "a date that is not one" . 1 "'2025-02-30' is not a date (use YYYY-MM-DD)" \
    db list --as-of 2025-02-30
rejects "a relative date" . 1 "is not a date" db flags --as-of yesterday
rejects "a day after today" . 1 "2025-03-25 is after today (2025-03-24)" \
    db report --as-of 2025-03-25
rejects "a day before the first commit" . 1 \
    "history starts on 2025-03-03 (its first commit): give --as-of a date from 2025-03-03 on" \
    db list --as-of 2025-03-02
rejects "report --by with --as-of (its honest dates would learn from later commits)" . 1 \
    "--by cannot look back with --as-of yet" db report --by month --as-of 2025-03-10
rejects "board: a day before the first commit" . 1 "history starts on 2025-03-03" \
    db board --as-of 2025-01-01
shallow="$TMP/shallow"
git clone -q --depth 3 "file://$repo" "$shallow"
rejects "a shallow clone without the day's history" "$shallow" 1 \
    "this clone is shallow and its history starts on 2025-03-18: fetch the rest with 'git fetch --unshallow'" \
    db -C "$shallow" list --as-of 2025-03-10
expect_eq "a shallow clone that has the day's history answers" \
    "$(db list --json --as-of 2025-03-21 | without_as_of)" \
    "$(db -C "$shallow" list --json --as-of 2025-03-21 | without_as_of)"
empty="$TMP/empty"
git init -q "$empty" && cp pipeline.json "$empty/"
rejects "a repository with no commits" "$empty" 1 "the repository has no commits yet" \
    db -C "$empty" list --as-of 2025-03-10

assert_head_unchanged . "$head_before" "time travel moved no HEAD"
assert_invariants . "time travel left the repository clean"
