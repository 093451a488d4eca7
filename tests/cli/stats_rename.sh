#!/bin/sh
# A stage renamed mid-history (issue 17: the event index survives stage
# renames). The same small history is made three times with dealboard and
# git as a teammate would: without a rename; with `explore` renamed to
# `discover` (and "Explore" to "Discover") in one commit that rewrites every
# deal; and with the id alone renamed and the deals rewritten with sed two
# days later. stats and flow must say the same in all three, under the
# current id; an index updated across the rename equals one read from
# scratch; --as-of before the rename still shows the old stage; a rename on
# one side of a merge and a deal added under the old id on the other give
# the same figures merged either way.
. "$(dirname "$0")/../lib.sh"
export TZ=UTC
cache=.git/dealboard-events
cd "$TMP" || exit 1

at() {
    export GIT_AUTHOR_DATE="$1T${2:-12:00}:00Z" GIT_COMMITTER_DATE="$1T${2:-12:00}:00Z"
    export DEALBOARD_TODAY="$1"
}
# rename_in_pipeline ID NAME: pipeline.json's explore stage gets ID and NAME.
rename_in_pipeline() {
    python3 - "$1" "$2" <<'EOF'
import json, sys
d = json.load(open("pipeline.json", encoding="utf-8"))
for s in d["stages"]:
    if s["id"] == "explore":
        s["id"], s["name"] = sys.argv[1], sys.argv[2]
open("pipeline.json", "w", encoding="utf-8").write(json.dumps(d, indent=2, ensure_ascii=False) + "\n")
EOF
}
rewrite_deals() {
    # shellcheck disable=SC2046
    sed -i 's/"stage": "explore"/"stage": "discover"/' $(git ls-files deals)
}

# history DIR MODE [STOP]: MODE plain, same (one commit) or later (sed two
# days after); STOP=before: only the part before the rename.
history() {
    at 2025-01-02 09:00
    r=$(new_repo "$1") || return 1
    cd "$r" || return 1
    ex=explore
    at 2025-01-03; a=$(db add "Alpha" --stage define --value 1000 --close 2025-03-31)
    at 2025-01-04; b=$(db add "Beta" --stage explore --value 2000 --close 2025-02-28)
    at 2025-01-05; c=$(db add "Gamma" --stage explore --value 3000)
    at 2025-01-06; d=$(db add "Delta" --stage explore --value 4000)
    at 2025-01-08; db move "$a" explore > /dev/null 2>&1
    at 2025-01-10; db move "$d" evaluate > /dev/null 2>&1
    at 2025-01-12; db set "$b" close_date 2025-03-15 > /dev/null 2>&1
    [ "${3:-}" = before ] && { cd "$TMP"; return 0; }
    at 2025-01-15
    case $2 in
    same)
        rename_in_pipeline discover Discover; rewrite_deals
        git commit -qam "Rename the Explore stage to Discover"; ex=discover ;;
    later)
        rename_in_pipeline discover Explore
        git commit -qam "Stage id explore is now discover"; ex=discover ;;
    esac
    at 2025-01-16; e=$(db add "Epsilon" --stage "$ex" --value 5000)
    if [ "$2" = later ]; then
        at 2025-01-17; rewrite_deals; git commit -qam "Deals: explore is discover"
    fi
    at 2025-01-20; db move "$b" evaluate > /dev/null 2>&1
    at 2025-01-22; db won "$d" > /dev/null 2>&1
    at 2025-01-25; db move "$c" define > /dev/null 2>&1     # backward
    at 2025-01-27; db move "$c" "$ex" > /dev/null 2>&1
    at 2025-01-28; db won "$b" > /dev/null 2>&1
    at 2025-01-30; db lost "$e" > /dev/null 2>&1
    cd "$TMP" || return 1
}

# The figures that must not depend on the rename: stats without how the
# index was had and the number of commits, with the stages' ids and names
# left out.
figures() {
    db -C "$1" stats --json | python3 -c 'import json, sys
d = json.load(sys.stdin)
for k in ("index", "commits"):
    d.pop(k, None)
for s in d["stages"] + d["calibration"]:
    for k in ("id", "name", "stage"):
        s.pop(k, None)
print(json.dumps(d, sort_keys=True))'
}
flow() { db -C "$1" stats --flow --json --since 2025-01-10 | pyjson '{k: v for k, v in d.items() if k != "index"}'; }
stage_ids() { db -C "$1" stats --json | pyjson '" ".join(s["id"] for s in d["stages"])'; }

history plain plain || fail "history plain"
history same same || fail "history same"
history later later || fail "history later"
at 2025-02-10
export DEALBOARD_TODAY=2025-02-10

plain=$(figures plain)
case $plain in *'"entered": 5'*) ok "the plain history has figures" ;; *) fail "plain figures" "$plain" ;; esac
expect_eq "renamed in one commit: the same figures" "$plain" "$(figures same)"
expect_eq "deals rewritten with sed later: the same figures" "$plain" "$(figures later)"
expect_eq "the stages are today's ids" "status-quo recognize define discover evaluate decide" \
    "$(stage_ids same)"
got=$(db -C same stats --json | pyjson '[s for s in d["stages"] if s["id"] == "discover"][0]["entered"]')
expect_eq "discover counts what explore had" "$(db -C plain stats --json | pyjson '[s for s in d["stages"] if s["id"] == "explore"][0]["entered"]')" "$got"
expect_eq "flow: no moves at the rename (one commit)" "$(flow plain)" "$(flow same)"
expect_eq "flow: no moves at the rename (sed later)" "$(flow plain)" "$(flow later)"

# ---- an index updated across the rename equals one read from scratch ----
for mode in same later; do
    rm -rf "$TMP/inc"
    history inc "$mode" before || fail "history inc $mode"
    db -C inc stats --json > /dev/null || fail "stats before the rename ($mode)"
    (
        cd inc || exit 1
        at 2025-01-15
        if [ "$mode" = same ]; then
            rename_in_pipeline discover Discover; rewrite_deals
        else
            rename_in_pipeline discover Explore
        fi
        git commit -qam rename
        if [ "$mode" = later ]; then
            at 2025-01-17; rewrite_deals; git commit -qam "sed"
        fi
        at 2025-01-20; db move "$(db list --json | pyjson '[x["id"] for x in d["deals"] if x["title"] == "Beta"][0]')" evaluate > /dev/null 2>&1
    ) || fail "continue the history ($mode)"
    export DEALBOARD_TODAY=2025-02-10
    from=$(db -C inc stats --json | pyjson 'd["index"]["from"]')
    expect_eq "the index is updated across the rename ($mode)" "update" "$from"
    updated=$(figures inc)
    # The update was appended as a segment: compacted into one, it is the
    # file a full rebuild writes, byte for byte.
    DEALBOARD_EVENTS_SEGMENTS=1 db -C inc stats --json > /dev/null
    cp inc/$cache "$TMP/inc.cache"
    rm -f inc/$cache
    expect_eq "an update across the rename equals a full rebuild ($mode)" "$(figures inc)" "$updated"
    check "the index file itself is the same ($mode)" cmp -s "$TMP/inc.cache" "inc/$cache"
done

# ---- as of a day before the rename: the old stage ------------------------
old=$(db -C same list --as-of 2025-01-12 --json | pyjson '" ".join(sorted(x["stage"] for x in d["deals"]))')
expect_eq "--as-of before the rename shows explore" "evaluate explore explore explore" "$old"
new=$(db -C same list --as-of 2025-01-15 --json | pyjson '" ".join(sorted(x["stage"] for x in d["deals"]))')
expect_eq "--as-of the rename's day shows discover" "discover discover discover evaluate" "$new"

# ---- a rename on one side of a merge, a deal added in explore on the other:
# merged either way, the same figures, and the new deal is in discover ----
rm -rf "$TMP/m1" "$TMP/m2"
history m1 same before || fail "history m1"
git clone -q m1 m2 || fail "clone"
(
    cd m1 || exit 1
    at 2025-01-15; rename_in_pipeline discover Discover; rewrite_deals
    git commit -qam "Rename the Explore stage to Discover"
) && (
    cd m2 || exit 1
    at 2025-01-14; db add "Zeta" --stage explore --value 700 > /dev/null
) || fail "the two sides"
export DEALBOARD_TODAY=2025-02-10
db -C m1 stats --json > /dev/null || fail "stats in m1 before the merge"
at 2025-01-16
git -C m1 pull -q --no-rebase --no-edit ../m2 main 2>/dev/null ||
    git -C m1 pull -q --no-rebase --no-edit ../m2 master || fail "merge m2 into m1"
git -C m2 fetch -q ../m1 HEAD && git -C m2 merge -q --no-edit FETCH_HEAD || fail "merge m1 into m2"
export DEALBOARD_TODAY=2025-02-10
expect_eq "the index is updated across the merge" "update" \
    "$(db -C m1 stats --json | pyjson 'd["index"]["from"]')"
expect_eq "merged either way: the same figures" "$(figures m1)" "$(figures m2)"
expect_eq "the deal added in explore on the other side counts in discover" "5 4" \
    "$(db -C m1 stats --json | pyjson '" ".join(str(s[k]) for s in d["stages"] if s["id"] == "discover" for k in ("entered", "censored"))')"
updated=$(figures m1)
rm -f m1/$cache
expect_eq "an update across the merge equals a full rebuild" "$(figures m1)" "$updated"
