# Nothing is written to $HOME directly: user files belong under
# $XDG_CONFIG_HOME/dealboard (the keymap), pipelines wherever the user says.
. "$(dirname "$0")/../lib.sh"
DATA=$(cd "$(dirname "$0")/data" && pwd)
home_files() { (cd "$HOME" && find . | sort); }
before=$(home_files)

repo=$(new_repo pipe)
id=$(db -C "$repo" add "Acme rollout" --value 48k --stage define)
{
    db -C "$repo" list --all --json
    db -C "$repo" touch "$id" "call"
    db -C "$repo" next "$id" "demo" --due +7
    db -C "$repo" flags
    db -C "$repo" show "$id"
    db -C "$repo" import "$DATA/crm.csv"
    db -C "$repo" export --csv
    db -C "$repo" export --json
    db -C "$repo" doctor
    db -C "$repo" __complete ids a
    db --help
} > /dev/null 2>&1
expect_eq "no file written in \$HOME" "$before" "$(home_files)"
