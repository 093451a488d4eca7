# The load cache under .git/ (one file per shard directory) must never show
# stale data: every case compares `list --json` with the cache against a run
# that parses every file.
. "$(dirname "$0")/../lib.sh"

repo=$(new_repo) || exit 1
cd "$repo" || exit 1
a=$(db add "Alpha rollout" --value 1000)
b=$(db add "Beta pilot" --value 2000)
c=$(db add "Gamma renewal" --value 3000)
# Files younger than two seconds (mtime or ctime) are never cached (coarse
# timestamps): age the mtimes, and let the ctimes age.
touch -d '1 hour ago' deals/*/*.json
sleep 3

same_as_uncached() { # DESC
    with=$(db list --all --json)
    without=$(DEALBOARD_NO_CACHE=1 db list --all --json)
    expect_eq "$1" "$without" "$with"
}
path_of() { echo "deals/$(printf %s "$1" | tail -c 2)/$1.json"; }
cache_of() { echo ".git/dealboard-cache.d/$(printf %s "$1" | tail -c 2)"; }

db list > /dev/null
check "the first load writes a cache" test -s "$(cache_of "$a")"
expect_contains "the cache is used and right" "Alpha rollout" "$(db list --json)"
same_as_uncached "a warm cache lists what the files say"

# Hand edit that changes the size.
f=$(path_of "$a")
sed -i 's/"Alpha rollout"/"Alpha rollout EMEA"/' "$f"
expect_contains "a hand edit shows up" "Alpha rollout EMEA" "$(db list --json)"
same_as_uncached "after a hand edit"
git commit -qam "hand edit"

# Same size, same inode, old mtime restored: only ctime tells.
touch -d '1 hour ago' deals/*/*.json
db list > /dev/null
f=$(path_of "$b")
stamp=$(stat -c %y "$f")
python3 - "$f" <<'PY'
import sys
p = sys.argv[1]
with open(p, "r+b") as fh:
    data = fh.read().replace(b'"Beta pilot"', b'"Beta PILOT"')
    fh.seek(0); fh.write(data)
PY
touch -d "$stamp" "$f"
expect_contains "a same-size edit with the old mtime shows up" "Beta PILOT" "$(db list --json)"
same_as_uncached "after a same-size edit"
git commit -qam "same-size hand edit"

# A teammate's change arriving through `git pull` from the git CLI.
git init -q --bare "$TMP/team.git"
git remote add origin "$TMP/team.git"
git push -q origin HEAD:main 2>/dev/null
git clone -q -b main "$TMP/team.git" "$TMP/other"
(cd "$TMP/other" && db set "$c" title "Gamma renewal (3 years)" > /dev/null &&
    git push -q origin HEAD:main 2>/dev/null)
git pull -q origin main 2>/dev/null
expect_contains "a git pull from the CLI shows up" "Gamma renewal (3 years)" "$(db list --json)"
same_as_uncached "after git pull"

# A damaged shard cache is ignored and rebuilt.
touch -d '1 hour ago' deals/*/*.json
sleep 3
sc=$(cache_of "$c")
db list --json > /dev/null
size=$(wc -c < "$sc")
truncate -s 100 "$sc"
same_as_uncached "a truncated shard cache"
truncate -s $((size - 1)) "$sc"
same_as_uncached "a shard cache short by one byte"
head -c 4096 /dev/urandom > "$sc"
same_as_uncached "a shard cache full of garbage"
printf 'DBSHARD3' > "$sc"
same_as_uncached "a shard cache with only its magic"
printf 'DBCACHE2\004\003\002\001\000\000\000\000' > "$sc"
same_as_uncached "a shard cache in the old format"
# One flipped byte in each region: the end of the file is the view text,
# the start of the data the light records.
db list --json > /dev/null
for at in 120 $(( $(wc -c < "$sc") / 2 )) $(( $(wc -c < "$sc") - 3 )); do
    python3 - "$sc" "$at" <<'PY'
import sys
p, at = sys.argv[1], int(sys.argv[2])
data = bytearray(open(p, "rb").read())
data[at] ^= 0x20
open(p, "wb").write(bytes(data))
PY
    same_as_uncached "a shard cache with a flipped byte at $at"
    expect_eq "list (table) is right with a flipped byte at $at" \
        "$(DEALBOARD_NO_CACHE=1 db list --all)" "$(db list --all)"
    db list --json > /dev/null
done
rm -f "$sc"
same_as_uncached "a deleted shard cache"
check "the shard cache is written again" test -s "$sc"
rm -rf .git/dealboard-cache.d
same_as_uncached "a deleted cache directory"
check "the cache directory is made again" test -s "$sc"
printf 'DBCACHE2 old' > .git/dealboard-cache
db list > /dev/null
check "the single-file cache of earlier versions is removed" test ! -e .git/dealboard-cache

# A rewrite of the same size within the same second (no aging: the file is
# too young to be cached, and must be read again).
d=$(db add "Delta deal" --value 4000)
db list > /dev/null
f=$(path_of "$d")
sed -i 's/"Delta deal"/"Delta DEAL"/' "$f"
expect_contains "a same-second same-size rewrite shows up" "Delta DEAL" "$(db list --json)"
same_as_uncached "after a same-second rewrite"
git commit -qam "same-second edit"

# A shard directory added behind dealboard's back, then removed.
e=newdeal-zz
mkdir -p deals/zz
sed "s/\"id\": \"$d\"/\"id\": \"$e\"/" "$f" > deals/zz/$e.json
touch -d '1 hour ago' deals/zz/$e.json
sleep 3
expect_contains "a new shard directory shows up" "$e" "$(db list --json)"
same_as_uncached "after a shard directory was added"
check "the new shard has its cache file" test -s .git/dealboard-cache.d/zz
rm -r deals/zz
expect_not_contains "a removed shard directory is gone" "$e" "$(db list --all --json)"
same_as_uncached "after a shard directory was removed"
check "its cache file is removed" test ! -e .git/dealboard-cache.d/zz

# A deal removed behind dealboard's back disappears.
git rm -q "$(path_of "$a")" && git commit -qm "remove alpha"
expect_not_contains "a removed deal is gone" "Alpha rollout" "$(db list --all --json)"
same_as_uncached "after a removal"
check "git status stays clean (the cache lives under .git)" is_clean .

# The cache keeps each shard directory's file names while the directory is
# unchanged: files added, renamed or removed there must still show, even
# with the directory's old mtime put back.
sd=$(dirname "$(path_of "$d")")
twin="twin-$(printf %s "$d" | tail -c 2)"
dstamp=$(stat -c %y "$sd")
sed "s/\"id\": \"$d\"/\"id\": \"$twin\"/" "$(path_of "$d")" > "$sd/$twin.json"
touch -d '1 hour ago' "$sd/$twin.json"
touch -d "$dstamp" "$sd"
sleep 3
db list > /dev/null
expect_contains "a file added to a listed shard directory shows up" "$twin" "$(db list --json)"
same_as_uncached "after a file was added to a shard directory"
mv "$sd/$twin.json" "$sd/$twin.json.bak"
touch -d "$dstamp" "$sd"
expect_not_contains "a file renamed away is gone" "$twin" "$(db list --json)"
same_as_uncached "after a file was renamed away"
mv "$sd/$twin.json.bak" "$sd/$twin.json"
printf '{ broken' > "$sd/$twin.json"
touch -d "$dstamp" "$sd"
sleep 3
db list > /dev/null 2>&1
expect_exit "a broken file in a listed shard directory is still reported" 0 db list --json
expect_contains "its problem is on stderr" "$twin.json" "$(db list 2>&1 > /dev/null)"
rm "$sd/$twin.json"
touch -d "$dstamp" "$sd"
same_as_uncached "after the broken file was removed"
check "git status is clean again" is_clean .

# In a shared repository the cache follows core.sharedRepository (as git
# does), so that teammates can update it too.
sr=$(new_repo shared) || exit 1
git -C "$sr" config core.sharedRepository group
sid=$(db -C "$sr" add "Shared deal")
touch -d '1 hour ago' "$sr"/deals/*/*.json
sleep 3
(umask 022 && db -C "$sr" list > /dev/null)
expect_eq "shared repository: cache files are group-writable" "660" \
    "$(find "$sr/.git/dealboard-cache.d" -type f -printf '%m\n' | sort -u)"
expect_eq "shared repository: so is the cache directory" "770" \
    "$(stat -c %a "$sr/.git/dealboard-cache.d" | tail -c 4)"
expect_contains "shared repository: listed" "$sid" "$(db -C "$sr" list --json)"

rm -rf .git/dealboard-cache.d
(umask 000 && db list > /dev/null)
expect_eq "umask 000: nothing in the cache is world-writable" "" \
    "$(find .git/dealboard-cache.d -perm -0002)"

# ---- list --json and flags --json copy cached text: byte for byte what a
# run without the cache prints, whatever the deals hold.
r2=$(new_repo odd) || exit 1
cd "$r2" || exit 1
u=$(db add 'Quotes "and" \\ back\\slash' --account 'Ünïcødé — 東京 😀' --owner 'Sam Lee' --value 10)
v=$(db add "Tab	and control" --stage define --next "Call" --due 2026-01-01 --value 20)
w=$(db add "Closed one" --value 30)
x=$(db add "Future keys" --owner "Ana" --value 40)
y=$(db add "Plain" --stage define --owner "Sam Lee" --value 50)
db won "$w" > /dev/null
db snooze "$y" 2027-01-01 > /dev/null 2>&1
python3 - "$(path_of "$x")" "$(path_of "$v")" <<'PY'
import json, sys
p = sys.argv[1]
d = json.load(open(p))
d["future_key"] = {"nested": [1, 2.5, "é"]}
d["next_step"] = {"text": "Send deck", "due": None, "extra": True}
json.dump(d, open(p, "w"), indent=2, ensure_ascii=False)
p = sys.argv[2]
d = json.load(open(p))
d["title"] = "Control \u0001 bell \u0007 and \u2028 line sep"
json.dump(d, open(p, "w"), indent=2, ensure_ascii=True)
PY
git commit -qam "odd deals"
touch -d '1 hour ago' deals/*/*.json
sleep 3
same_listing() { # DESC ARGS...
    desc=$1
    shift
    db "$@" > /dev/null
    with=$(db "$@"; echo x)
    without=$(DEALBOARD_NO_CACHE=1 db "$@"; echo x)
    expect_eq "$desc" "$without" "$with"
}
for args in "list --json" "list --all --json" "list --json --stage define" \
    "list --json --owner sam lee" "list --json --flagged" "list --all --flagged --json" \
    "flags --json" "flags" "list" "list --all"; do
    # shellcheck disable=SC2086
    case $args in
    *"--owner sam lee"*) same_listing "cached: $args" list --json --owner "sam lee" ;;
    *) same_listing "cached: $args" $args ;;
    esac
done
expect_contains "unknown keys are listed" "future_key" "$(db list --json)"
expect_contains "a closed deal is listed with --all" "$w" "$(db list --all --json)"
check "git status stays clean after listings" is_clean .

# ---- Many shard directories: a second thread stats deal files ahead of the
# scan (from 8 shards on), taking shards from the last one backward. A hand
# edit must show up in every shard, whichever thread stat'ed its file.
r3=$(new_repo many) || exit 1
cd "$r3" || exit 1
i=0
while [ $i -lt 24 ]; do
    db add "Deal number $i" --value $((i + 1)) > /dev/null
    i=$((i + 1))
done
shards=$(ls deals | wc -l)
check "the deals spread over 8 shard directories or more" test "$shards" -ge 8
touch -d '1 hour ago' deals/*/*.json
sleep 3
db list --json > /dev/null
same_as_uncached "many shards: a warm cache"
# Same size, old mtime put back: only the ctime tells, in every file.
python3 - deals/*/*.json <<'PY'
import os, sys
for p in sys.argv[1:]:
    st = os.stat(p)
    with open(p, "r+b") as fh:
        data = fh.read().replace(b'"Deal number', b'"DEAL number')
        fh.seek(0); fh.write(data)
    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))
PY
n=$(db list --json | grep -c '"DEAL number')
expect_eq "many shards: every same-size hand edit shows up" "24" "$n"
same_as_uncached "many shards: after same-size hand edits"
# A deal file gone from the last shard and one added to the first, behind
# dealboard's back (the stored names of those shards are then out of date).
last=$(ls deals | tail -n 1)
first=$(ls deals | head -n 1)
gone=$(ls "deals/$last" | head -n 1)
rm "deals/$last/$gone"
sed 's/"id": "[^"]*"/"id": "zz-extra-'"$first"'"/' "deals/$first/$(ls "deals/$first" | head -n 1)" \
    > "deals/$first/zz-extra-$first.json"
expect_contains "many shards: an added file shows up" "zz-extra-$first" "$(db list --json)"
expect_not_contains "many shards: a removed file is gone" "${gone%.json}" "$(db list --json)"
same_as_uncached "many shards: after files added and removed"
