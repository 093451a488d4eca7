# --owner NAME and --mine on list, flags, report and review: the rows and
# totals are that owner's (name or e-mail, case aside), the report says whose,
# --json follows the filter; both together, an empty --owner and --mine
# without a git identity are usage errors that say what to do.
. "$(dirname "$0")/../lib.sh"

repo=$(new_repo)
cd "$repo" || exit 1
add() { DEALBOARD_TODAY=2026-09-01 db add "$1" --value "$2" --stage "$3" --owner "$4"; }
mine1=$(add "My name deal" 10000 define "Test Seller")
mine2=$(add "My mail deal" 20000 explore "seller@example.com")
anna=$(add "Anna deal" 40000 define "Anna Berg <anna@example.com>")
bo=$(add "Bo deal" 80000 define "Bo")
db won "$(add "Anna won" 5000 decide "anna berg")" > /dev/null

ids() { awk 'NR > 1 {print $1}' | sort | tr '\n' ' '; }
sorted() { printf '%s\n' "$@" | sort | tr '\n' ' '; }

# ---- list
expect_eq "list --mine: my name and my e-mail" "$(sorted "$mine1" "$mine2")" "$(db list --mine | ids)"
expect_eq "list --owner by name, case aside" "$anna" "$(db list --owner 'ANNA BERG' | ids | tr -d ' ')"
expect_eq "list --owner by e-mail in 'Name <e-mail>'" "$anna" "$(db list --owner anna@example.com | ids | tr -d ' ')"
expect_eq "list --owner nobody: no rows" "" "$(db list --owner Zed | ids)"
expect_eq "list: everyone's" 4 "$(db list | ids | wc -w | tr -d ' ')"
expect_eq "list --mine --json" "$(sorted "$mine1" "$mine2")" \
    "$(db list --mine --json | pyjson '" ".join(sorted(x["id"] for x in d["deals"]))') "
expect_eq "list --mine with --stage" "$mine2" "$(db list --mine --stage explore | ids | tr -d ' ')"

# ---- flags (all five are old enough to be flagged)
flag_ids() { grep -o '([a-z0-9-]*,' | tr -d '(,' | sort | tr '\n' ' '; }
expect_eq "flags --mine" "$(sorted "$mine1" "$mine2")" "$(db flags --mine | flag_ids)"
expect_eq "flags --owner Bo" "$bo" "$(db flags --owner bo | flag_ids | tr -d ' ')"
expect_eq "flags --owner Bo --json" "$bo" "$(db flags --owner bo --json | pyjson '" ".join(x["id"] for x in d["deals"])')"
expect_eq "flags --owner nobody" "No flagged deals." "$(db flags --owner Zed)"

# ---- report: totals over the owner's deals, and whose they are
expect_exit "report --mine" 0 db report --mine
expect_contains "report --mine says whose" "Deals of: you (Test Seller or seller@example.com)" "$OUT"
expect_eq "report --mine: open 2, 30,000" "Open 2 30,000" \
    "$(printf '%s\n' "$OUT" | awk '/^Open/ {print $1, $2, $3}')"
expect_eq "report --mine: no wins" "Won 0 0" "$(printf '%s\n' "$OUT" | awk '/^Won/ {print $1, $2, $3}')"
expect_exit "report --owner anna@example.com" 0 db report --owner anna@example.com
expect_contains "…says whose" "Deals of: anna@example.com" "$OUT"
expect_eq "…open 1, 40,000" "Open 1 40,000" "$(printf '%s\n' "$OUT" | awk '/^Open/ {print $1, $2, $3}')"
expect_eq "report --owner 'anna berg': the win" "Won 1 5,000" \
    "$(db report --owner 'anna berg' | awk '/^Won/ {print $1, $2, $3}')"
expect_not_contains "report: no 'Deals of' for the team" "Deals of" "$(db report)"
expect_eq "report: team open 4, 150,000" "Open 4 150,000" "$(db report | awk '/^Open/ {print $1, $2, $3}')"
expect_eq "report --mine --json: open and owner" \
    '[2, 30000, {"scope": "mine", "matches": ["Test Seller", "seller@example.com"]}]' \
    "$(db report --mine --json | pyjson '[d["open"]["count"], d["open"]["value"], d["owner"]]')"
expect_eq "report --owner Bo --json" '[1, 80000, ["Bo"]]' \
    "$(db report --owner Bo --json | pyjson '[d["open"]["count"], d["open"]["value"], d["owner"]["matches"]]')"
expect_eq "report --json: no owner key for the team" "False" "$(db report --json | pyjson 'str("owner" in d)')"

# ---- usage errors: both, empty, no identity
for cmd in list flags report review; do
    expect_exit "$cmd --owner --mine: usage error" 1 db "$cmd" --owner Bo --mine
    expect_contains "$cmd: …says to use one" "--owner and --mine together: use one" "$ERR"
    expect_exit "$cmd --owner '': usage error" 1 db "$cmd" --owner ""
    expect_contains "$cmd: …asks for a name" "--owner needs a name" "$ERR"
done
noid=$TMP/noid
mkdir -p "$noid"
for cmd in list flags report; do
    expect_exit "$cmd --mine without a git identity" 1 \
        env HOME="$noid" XDG_CONFIG_HOME="$noid/.config" GIT_CONFIG_GLOBAL="$noid/.gitconfig" \
        "$DEALBOARD" "$cmd" --mine
    expect_contains "$cmd: …says what to set" 'git config --global user.name "Your Name"' "$ERR"
    expect_eq "$cmd: …prints nothing" "" "$OUT"
    expect_exit "$cmd --owner works without one" 0 \
        env HOME="$noid" XDG_CONFIG_HOME="$noid/.config" GIT_CONFIG_GLOBAL="$noid/.gitconfig" \
        "$DEALBOARD" "$cmd" --owner Bo
done
expect_exit "review --mine without a git identity" 1 \
    env HOME="$noid" XDG_CONFIG_HOME="$noid/.config" GIT_CONFIG_GLOBAL="$noid/.gitconfig" \
    DEALBOARD_SCRIPT=/dev/null "$DEALBOARD" review --mine
expect_contains "review: …says what to set" "no git identity" "$ERR"
# An e-mail alone is an identity: GIT_AUTHOR_EMAIL, as git takes it.
expect_eq "--mine with only an e-mail from the environment" "$mine2" \
    "$(HOME="$noid" XDG_CONFIG_HOME="$noid/.config" GIT_CONFIG_GLOBAL="$noid/.gitconfig" \
       GIT_AUTHOR_EMAIL=seller@example.com db list --mine | ids | tr -d ' ')"

# ---- --help names the options
for cmd in list flags report review; do
    expect_contains "$cmd --help: --owner O | --mine" "[--owner O | --mine]" "$(db "$cmd" --help)"
done
