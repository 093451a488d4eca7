#!/bin/sh
# The scenario of bench.py's bench_sync on a copy of an existing pipeline, timed
# several times: a bare team remote cloned from it, a teammate's clone edits the
# first 1,000 deals of .bench-ids and pushes with the git CLI, we add a note,
# then `dealboard sync` merges (not a fast-forward) and pushes.
#   sh tests/bench/sync_bench.sh /tmp/bb/p100k [RUNS] [WORKDIR]
# The source pipeline is copied, never modified. Each run starts from a fresh
# copy of the prepared set-up. DB=path/to/dealboard (default ./dealboard).
set -eu
src=$1; runs=${2:-3}; work=${3:-$(mktemp -d /tmp/sync-bench-XXXXXX)}
DB=$(cd "$(dirname "${DB:-./dealboard}")" && pwd)/$(basename "${DB:-./dealboard}")
export DEALBOARD_TODAY=2026-11-20 LC_ALL=C.UTF-8
base=$work/base
rm -rf "$base" && mkdir -p "$base"
cp -a "$src" "$base/p"
grep -qx .bench-ids "$base/p/.git/info/exclude" 2>/dev/null ||
    echo .bench-ids >> "$base/p/.git/info/exclude"
git clone -q --bare "$base/p" "$base/team.git"
git -C "$base/p" remote add origin "$base/team.git"
git -C "$base/p" fetch -q origin
git -C "$base/p" branch -q -u "origin/$(git -C "$base/p" branch --show-current)"
git clone -q "$base/team.git" "$work/mate"
head -n 1000 "$base/p/.bench-ids" | while read -r id; do
    f=$work/mate/deals/$(printf %s "$id" | tail -c 2)/$id.json
    sed -i '0,/"close_date_pushes": /s//"close_date_pushes": 1/' "$f"
done
git -C "$work/mate" commit -q -am "teammate edits"
git -C "$work/mate" push -q origin HEAD
rm -rf "$work/mate"
i=1
while [ "$i" -le "$runs" ]; do
    run=$work/run
    rm -rf "$run" && cp -a "$base" "$run"
    git -C "$run/p" remote set-url origin "$run/team.git"
    git -C "$run/p" update-index -q --refresh     # the copy changed every inode
    (cd "$run/p" && "$DB" note "$(tail -n 1 .bench-ids)" "local work" > /dev/null)
    sync
    start=$(date +%s%N)
    (cd "$run/p" && "$DB" sync > "$work/out.txt")
    end=$(date +%s%N)
    echo "run $i: sync $(( (end - start) / 1000000 )) ms"
    i=$((i + 1))
done
grep -q "merged" "$work/out.txt" || { echo "not a merge:"; cat "$work/out.txt"; exit 1; }
git -C "$run/p" status --porcelain | grep -q . && { echo "work tree not clean"; exit 1; }
echo "set-up and last run kept in $work"
