#!/bin/sh
# Sync over SSH against the git CLI doing the same (`git pull --no-rebase` +
# `git push`), interleaved, on a copy of an existing pipeline: a teammate
# changed 1,000 deals and pushed, we committed a note, then each tool merges
# and pushes through a throwaway sshd on 127.0.0.1.
#   sh tests/bench/ssh_sync_bench.sh /tmp/bb/p10k [RUNS]
# DB=path/to/dealboard (default ./dealboard). Prints one line a run and the medians.
set -eu
src=$1; runs=${2:-3}
DB=$(cd "$(dirname "${DB:-./dealboard}")" && pwd)/$(basename "${DB:-./dealboard}")
work=$(mktemp -d /tmp/ssh-sync-bench-XXXXXX)
export DEALBOARD_TODAY=2026-11-20 LC_ALL=C.UTF-8 HOME="$work/home"
mkdir -p "$HOME/.ssh" "$work/ssh"
SSHD_PID= AGENT_PID=
trap 'kill $SSHD_PID $AGENT_PID 2>/dev/null; rm -rf "$work"' EXIT
s=$work/ssh
ssh-keygen -q -t ed25519 -N '' -f "$s/host_key"; ssh-keygen -q -t ed25519 -N '' -f "$HOME/.ssh/id_ed25519"
cp "$HOME/.ssh/id_ed25519.pub" "$s/authorized_keys"
. "$(dirname "$0")/../sync/sshd.inc"
sshd_start "$s" || { echo "bench: $SSHD_WHY"; exit 1; }
port=$SSHD_PORT
cp "$s/host_keys" "$HOME/.ssh/known_hosts"
git config --global user.name Bench; git config --global user.email bench@example.com
export GIT_SSH_COMMAND="ssh -o BatchMode=yes -o UserKnownHostsFile=$HOME/.ssh/known_hosts -i $HOME/.ssh/id_ed25519"
base=$work/base; mkdir -p "$base"
cp -a "$src" "$base/p"
git clone -q --bare "$base/p" "$base/team.git"
git clone -q "$base/team.git" "$work/mate"
head -n 1000 "$base/p/.bench-ids" | while read -r id; do
    f=$work/mate/deals/$(printf %s "$id" | tail -c 2)/$id.json
    sed -i '0,/"close_date_pushes": /s//"close_date_pushes": 1/' "$f"
done
git -C "$work/mate" commit -q -am "teammate edits"
branch=$(git -C "$base/p" branch --show-current)
(cd "$base/p" && "$DB" note "$(tail -n 1 .bench-ids)" "local work" > /dev/null)
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
i=1; db_all= git_all=
while [ "$i" -le "$runs" ]; do
    run=$work/run; rm -rf "$run" && cp -a "$base" "$run"
    url="ssh://$(id -un)@127.0.0.1:$port$run/team.git"
    git -C "$run/p" remote remove origin 2>/dev/null || true
    git -C "$run/p" remote add origin "$url"
    git -C "$run/p" fetch -q origin && git -C "$run/p" branch -q -u "origin/$branch"
    git -C "$work/mate" push -q -f "$run/team.git" "HEAD:$branch"
    cp -a "$run/p" "$run/g"
    git -C "$run/p" update-index -q --refresh; git -C "$run/g" update-index -q --refresh
    sync
    t=$(date +%s%N); (cd "$run/p" && "$DB" sync > "$work/db.out") || { cat "$work/db.out"; exit 1; }; d=$(ms "$t")
    git --git-dir="$run/team.git" update-ref "refs/heads/$branch" "$(git -C "$work/mate" rev-parse HEAD)"
    t=$(date +%s%N); git -C "$run/g" pull -q --no-rebase --no-edit origin "$branch" && git -C "$run/g" push -q origin "HEAD:$branch"; g=$(ms "$t")
    echo "run $i: dealboard sync $d ms, git pull + push $g ms"
    db_all="$db_all $d" git_all="$git_all $g"
    i=$((i + 1))
done
median() { printf '%s\n' $* | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "median: dealboard sync $(median $db_all) ms, git pull + push $(median $git_all) ms"
