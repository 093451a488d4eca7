# list's value column (issue 14): a deal in another currency shows its code
# next to the value (200,000 CHF is not EUR), the columns stay aligned, and
# a pipeline whose deals are all in its currency lists as before.
. "$(dirname "$0")/../lib.sh"

R=$(new_repo)
E=$(db -C "$R" add "Euro deal" --value 85000)
C=$(db -C "$R" add "Franc deal" --value 200000)
G=$(db -C "$R" add "Pound deal" --value 1234567)
L=$(db -C "$R" add "Lower-case euro" --value 5000)
db -C "$R" set "$C" currency CHF > /dev/null
db -C "$R" set "$G" currency gbp > /dev/null
db -C "$R" set "$L" currency eur > /dev/null

expect_exit "list exits 0" 0 db -C "$R" list
LIST=$OUT
row() { printf '%s\n' "$LIST" | grep "^$1"; }
expect_contains "CHF deal: the code next to the value" "200,000 CHF" "$(row "$C")"
expect_contains "gbp deal: its code, as report counts it" "1,234,567 GBP" "$(row "$G")"
expect_not_contains "EUR deal: no code (the pipeline's)" "EUR" "$(row "$E")"
expect_not_contains "eur deal: the pipeline's currency, whatever its case" "EUR" "$(row "$L")"
expect_contains "header names the pipeline's currency" "VALUE EUR" "$(printf '%s\n' "$LIST" | head -1)"

# Aligned: the value cell ends under the header's end; numbers end together,
# codes start together; DAYS starts at the same column on every line.
aligned=$(printf '%s\n' "$LIST" | python3 -c '
import re, sys
lines = sys.stdin.read().splitlines()
head, rows = lines[0], lines[1:]
end = head.index("VALUE EUR") + len("VALUE EUR")
days = head.index("DAYS")
bad = []
for r in rows:
    cell = r[:end]
    m = re.search(r"(\d[\d,]*)( [A-Z]{3}|    )$", cell)
    if not m or m.end(1) != end - 4 or not r[end:days + 4].strip().isdigit():
        bad.append(r)
print("ok" if not bad else bad)')
expect_eq "list: value, code and days columns aligned" "ok" "$aligned"

# Nothing in another currency: the listing is as it always was.
P=$(new_repo plain)
db -C "$P" add "Only euros" --value 48000 > /dev/null
expect_exit "list of one currency" 0 db -C "$P" list
expect_eq "one currency: no code column" "VALUE EUR" \
    "$(printf '%s\n' "$OUT" | head -1 | grep -o 'VALUE EUR')"
expect_eq "one currency: the value ends under the header" \
    "$(printf '%s\n' "$OUT" | head -1 | awk '{print index($0, "VALUE EUR") + 9}')" \
    "$(printf '%s\n' "$OUT" | tail -1 | awk '{print index($0, "48,000") + 6}')"

# A long or hostile code is cut to its column and made safe.
db -C "$R" set "$C" currency "$(printf 'SWISS\033[31mFRANCS')" > /dev/null
expect_exit "list with a long code" 0 db -C "$R" list
expect_not_contains "a code with escapes is made safe" "$(printf '\033')" "$OUT"
expect_eq "a long code is cut to 8 columns" 1 \
    "$(printf '%s\n' "$OUT" | grep "^$C" | grep -c 'SWISS.*…')"

# The JSON listing keeps the stored currency for programs.
expect_eq "list --json: currency as stored" '[null, "gbp", "eur"]' \
    "$(db -C "$R" list --json | pyjson "[{x['id']: x for x in d['deals']}[i].get('currency') for i in ('$E', '$G', '$L')]")"

# Totals: report counts other currencies apart (list has no totals of its own).
db -C "$R" set "$C" currency CHF > /dev/null
expect_eq "report: open value in EUR only" 90000 "$(db -C "$R" report --json | pyjson 'd["open"]["value"]')"
