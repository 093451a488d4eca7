# dealboard.1: well-formed roff, and every command and option of the binary
# is documented in it.
. "$(dirname "$0")/../lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
MAN=$top/dealboard.1

if command -v groff > /dev/null; then
    warnings=$(groff -ww -z -man "$MAN" 2>&1)
    expect_eq "groff -ww -z -man prints no warnings" "" "$warnings"
    text=$(groff -man -Tascii -P-cbou "$MAN" 2>/dev/null)
else
    fail "groff is installed (scripts/deps.sh installs groff-base)"
    text=""
fi
# The source with roff's escapes for '-' and fonts taken out, for option names.
source_text=$(sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' "$MAN")

for section in NAME SYNOPSIS DESCRIPTION COMMANDS "IMPORT AND EXPORT" "THE BOARD" \
    "KEY BINDINGS" FILES ENVIRONMENT "EXIT STATUS" EXAMPLES; do
    expect_contains "section $section" "
$section
" "$text"
done
for var in DEALBOARD_REPO DEALBOARD_TODAY EDITOR NO_COLOR XDG_CONFIG_HOME DEALBOARD_EXAMPLES; do
    expect_contains "ENVIRONMENT names $var" "
       $var" "$(printf '%s\n' "$text" | sed -n '/^ENVIRONMENT/,/^EXIT STATUS/p')"
done
for file in pipeline.json "deals/xx/id.json" '$XDG_CONFIG_HOME/dealboard/keys' keymaps; do
    expect_contains "FILES names $file" "$file" "$(printf '%s\n' "$text" | sed -n '/^FILES/,/^ENVIRONMENT/p')"
done

commands=$(db --help | sed -n '/^Commands:/,/^$/p' | awk 'NF && !/^Commands:/ {print $1}')
expect_contains "--help lists import" "import" "$commands"
for cmd in $commands; do
    expect_contains "man page documents '$cmd'" "
       $cmd" "$text"
    expect_exit "dealboard $cmd --help" 0 db "$cmd" --help
    usage=$(printf '%s\n' "$OUT" | sed -n 's/^usage: //p')
    expect_contains "$cmd --help prints its usage line" "dealboard $cmd" "$usage"
    for option in $(printf '%s\n' "$usage" | grep -o -- '--[a-z][a-z-]*'); do
        expect_contains "man page documents $cmd $option" "$option" "$source_text"
    done
done
