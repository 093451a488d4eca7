# The load cache under .git/ must never show stale data: every case compares
# `list --json` with the cache against a run that parses every file.
. "$(dirname "$0")/../lib.sh"

repo=$(new_repo) || exit 1
cd "$repo" || exit 1
a=$(db add "Alpha rollout" --value 1000)
b=$(db add "Beta pilot" --value 2000)
c=$(db add "Gamma renewal" --value 3000)
# Files younger than two seconds are never cached (coarse timestamps); age them.
touch -d '1 hour ago' deals/*/*.json

same_as_uncached() { # DESC
    with=$(db list --all --json)
    without=$(DEALBOARD_NO_CACHE=1 db list --all --json)
    expect_eq "$1" "$without" "$with"
}
path_of() { echo "deals/$(printf %s "$1" | tail -c 2)/$1.json"; }

db list > /dev/null
check "the first load writes a cache" test -s .git/dealboard-cache
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

# A damaged cache is ignored and rebuilt.
truncate -s 100 .git/dealboard-cache
same_as_uncached "a truncated cache"
head -c 4096 /dev/urandom > .git/dealboard-cache
same_as_uncached "a cache full of garbage"
printf 'DBCACHE2' > .git/dealboard-cache
same_as_uncached "a cache with only its magic"
rm -f .git/dealboard-cache
same_as_uncached "a deleted cache"
check "the cache is written again" test -s .git/dealboard-cache

# A deal removed behind dealboard's back disappears.
git rm -q "$(path_of "$a")" && git commit -qm "remove alpha"
expect_not_contains "a removed deal is gone" "Alpha rollout" "$(db list --all --json)"
same_as_uncached "after a removal"
check "git status stays clean (the cache lives under .git)" is_clean .
