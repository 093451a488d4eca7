# make install / make uninstall into a staging directory (DESTDIR), with the
# binary under test: what a package build does.
. "$(dirname "$0")/../lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
stage=$TMP/stage
prefix=$stage/usr/local

# -o all: install exactly $DEALBOARD (the sanitizer build under make check),
# never rebuild it; the outer make's flags are not ours.
staged_make() {
    env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
        make -s -C "$top" -o all BIN="$DEALBOARD" PREFIX=/usr/local DESTDIR="$stage" "$@"
}

expect_exit "make install DESTDIR=… PREFIX=/usr/local" 0 staged_make install
expect_eq "nothing installed outside the prefix" "$stage
$stage/usr
$stage/usr/local" "$(find "$stage" -path "$prefix/*" -prune -o -print | sort)"

check "binary installed executable" test -x "$prefix/bin/dealboard"
expect_exit "installed binary runs" 0 "$prefix/bin/dealboard" --version
expect_contains "and says its version" "dealboard " "$OUT"
check "man page installed" cmp "$top/dealboard.1" "$prefix/share/man/man1/dealboard.1"
if command -v groff > /dev/null; then
    expect_contains "installed man page renders" "IMPORT AND EXPORT" \
        "$(groff -man -Tascii -P-cbou "$prefix/share/man/man1/dealboard.1" 2>&1)"
fi
check "bash completion installed" cmp "$top/completion/dealboard.bash" \
    "$prefix/share/bash-completion/completions/dealboard"
check "example pipeline installed" test -f "$prefix/share/dealboard/examples/pipeline/pipeline.json"
expect_eq "with every example deal" \
    "$(find "$top/examples/pipeline/deals" -name '*.json' | wc -l | tr -d ' ')" \
    "$(find "$prefix/share/dealboard/examples/pipeline/deals" -name '*.json' | wc -l | tr -d ' ')"
for keys in "$top"/keymaps/*.keys; do
    [ -f "$keys" ] || continue
    check "keymap $(basename "$keys") installed" \
        cmp "$keys" "$prefix/share/dealboard/keymaps/$(basename "$keys")"
done
if command -v bash > /dev/null; then
    expect_eq "installed completion works with the installed binary" "export" \
        "$(PATH="$prefix/bin:$PATH" bash "$top/tests/cli/data/complete.bash" \
            "$prefix/share/bash-completion/completions/dealboard" dealboard expo)"
fi

expect_exit "make uninstall" 0 staged_make uninstall
expect_eq "uninstall removes every installed file" "" "$(find "$stage" ! -type d)"
check "and the data directory" test ! -e "$prefix/share/dealboard"
