# completion/dealboard.bash, driven through bash's completion variables, and
# the hidden "dealboard __complete" helper behind it.
. "$(dirname "$0")/../lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
SCRIPT=$top/completion/dealboard.bash
if ! command -v bash > /dev/null; then ok "bash completion (skipped: no bash)"; exit 0; fi
mkdir -p "$TMP/bin"
ln -s "$DEALBOARD" "$TMP/bin/dealboard"
PATH="$TMP/bin:$PATH"
complete_words() { bash "$top/tests/cli/data/complete.bash" "$SCRIPT" dealboard "$@"; }

check "the script is valid bash" bash -n "$SCRIPT"
expect_not_contains "__complete is hidden from --help" "__complete" "$(db --help)"
expect_exit "__complete commands" 0 db __complete commands
expect_eq "lists every command of --help" \
    "$(db --help | sed -n '/^Commands:/,/^$/p' | awk 'NF && !/^Commands:/ {print $1}' | tr '\n' ' ')" \
    "$(db __complete commands | tr '\n' ' ')"
expect_exit "__complete of an unknown list" 1 db __complete colours

repo=$(new_repo pipe)
cd "$repo" || exit 1
a=$(db add "Acme rollout") b=$(db add "Acme renewal") c=$(db add "Baltic data hub")

expect_eq "commands" "demo doctor" "$(complete_words d)"
expect_eq "all commands offered" "$(db __complete commands | sort | tr '\n' ' ' | sed 's/ $//')" \
    "$(complete_words '')"
expect_eq "global options" "--help --keys --version -C" "$(complete_words -)"
expect_eq "options of export" "--csv --help --json" "$(complete_words export --)"
expect_eq "options of import" "--dry-run --help --map --skip-bad" "$(complete_words import --)"
expect_eq "options of list" "--all --as-of --flagged --help --json --mine --owner --stage" "$(complete_words list --)"
expect_eq "options of flags" "--as-of --help --json --mine --owner" "$(complete_words flags --)"
expect_eq "options of report" "--as-of --by --help --json --mine --owner --since" "$(complete_words report --)"
expect_eq "options of review" "--help --mine --owner" "$(complete_words review --)"
expect_eq "options of init" "--bare --help --name --remote --shared" "$(complete_words init --)"
expect_eq "options of clone" "--help --name" "$(complete_words clone https://example.com/team.git --)"
expect_eq "--owner takes a value, --mine none" "--owner" "$(db __complete value-options list | grep -e --owner -e --mine)"
expect_contains "--as-of takes a value (a date)" "--as-of" "$(db __complete value-options board)"
expect_eq "options after a positional" "--due" "$(complete_words next "$a" "call" --d)"
expect_eq "deal ids by prefix" "$(printf '%s\n' "$a" "$b" | sort | tr '\n' ' ' | sed 's/ $//')" \
    "$(complete_words show acme)"
expect_eq "every deal id" 3 "$(complete_words move '' | wc -w | tr -d ' ')"
expect_eq "__complete ids PREFIX" "$c" "$(db __complete ids balt)"
expect_eq "stages after move ID" "decide define" "$(complete_words move "$a" de)"
expect_eq "stages for --stage" "evaluate explore" "$(complete_words list --stage e)"
expect_eq "stages for add --stage after a title" "recognize" "$(complete_words add "New deal" --stage r)"
expect_eq "fields for set ID" "champion close_date cluster currency" "$(complete_words set "$a" c)"
expect_eq "stages for set ID stage" "status-quo" "$(complete_words set "$a" stage st)"
expect_eq "dates for --due" "today tomorrow" "$(complete_words next "$a" call --due t)"
expect_eq "person actions" "add contact rm" "$(complete_words person "$a" '')"
expect_eq "roles for person add --role" "decision-maker" \
    "$(complete_words person "$a" add "Ana Ruiz" --role de)"
expect_eq "__complete roles: every role" "champion decision-maker finance user technical blocker" \
    "$(db __complete roles | tr '\n' ' ' | sed 's/ $//')"
expect_eq "a date after person ID contact N" "today" "$(complete_words person "$a" contact 1 t)"
expect_eq "an option's value is not a positional" "explore" "$(complete_words list --stage ex)"
expect_eq "after an option and its value comes the first positional: ids" \
    "$(printf '%s\n' "$a" "$b" | sort | tr '\n' ' ' | sed 's/ $//')" \
    "$(complete_words snooze --until tomorrow acme)"
expect_eq "nothing after the last argument" "" "$(complete_words show "$a" '')"
mkdir -p "$TMP/other"
other=$(new_repo other)
(cd "$other" && db add "Zeta pilot" > /dev/null)
cd "$TMP" || exit 1
expect_eq "ids from the pipeline named by -C" "zeta" "$(complete_words -C "$other" show z | cut -c1-4)"
expect_eq "ids from \$DEALBOARD_REPO" "zeta" "$(DEALBOARD_REPO=$other complete_words log z | cut -c1-4)"
expect_eq "no pipeline: nothing, no noise" "" "$(complete_words show a 2>&1)"
printf 'x' > "$TMP/crm.csv"
expect_eq "files for import" "$TMP/crm.csv" "$(complete_words import "$TMP/cr")"
