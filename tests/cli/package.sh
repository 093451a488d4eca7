# The Debian package (debian/, make deb): unpacked with dpkg -x into a
# temporary root (no root needed), its files where Debian expects them and
# its binary, run from there, through a short CLI tour.
# DEALBOARD_DEB=FILE tests that .deb (make deb-check); DEALBOARD_TEST_DEB=1
# builds one first with make deb (a minute or more); else it is skipped.
: "${DEALBOARD:=/nonexistent}"   # lib.sh wants one; the package's is used below
. "$(dirname "$0")/../lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)

deb=${DEALBOARD_DEB:-}
if [ -z "$deb" ] && [ "${DEALBOARD_TEST_DEB:-}" = 1 ]; then
    if ! env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$top" deb > "$TMP/deb.log" 2>&1; then
        fail "make deb" "$(tail -40 "$TMP/deb.log")"
        exit 0
    fi
    ok "make deb"
    deb=$(ls "$top"/build-deb/dealboard_*.deb 2> /dev/null | head -1)
fi
if [ -z "$deb" ]; then
    ok "Debian package (skipped: DEALBOARD_TEST_DEB=1 builds and tests it)"
    exit 0
fi
if ! command -v dpkg-deb > /dev/null; then
    ok "Debian package (skipped: no dpkg-deb)"
    exit 0
fi
check "the package exists" test -f "$deb"

version=$(sed -n 's/^VERSION *:= *//p' "$top/Makefile")
field() { dpkg-deb --field "$deb" "$1"; }
expect_eq "package name" "dealboard" "$(field Package)"
expect_contains "version matches the Makefile's $version" "$version-" "$(field Version)"
expect_eq "architecture" "$(dpkg --print-architecture 2> /dev/null || field Architecture)" \
    "$(field Architecture)"
depends=$(field Depends)
for lib in libgit2 libncursesw libcjson libcsv libc6; do
    expect_contains "depends on Debian's shared $lib" "$lib" "$depends"
done

root=$TMP/root
mkdir -p "$root"
expect_exit "dpkg -x unpacks it" 0 dpkg-deb -x "$deb" "$root"
expect_eq "everything under /usr" "usr" "$(ls "$root")"
expect_eq "nothing under /usr/local" "" "$(find "$root/usr" -path "$root/usr/local*")"

bin=$root/usr/bin/dealboard
check "binary in /usr/bin, executable" test -x "$bin"
expect_eq "only the binary in /usr/bin" "dealboard" "$(ls "$root/usr/bin")"
if command -v readelf > /dev/null; then
    check "the binary is stripped (debug symbols are in dealboard-dbgsym)" \
        sh -c "! readelf -S '$bin' | grep -q '\.debug_info'"
fi
if command -v ldd > /dev/null; then
    libs=$(ldd "$bin" 2>&1)
    expect_contains "links libgit2 as a shared library" "libgit2.so" "$libs"
    expect_contains "links ncurses as a shared library" "libncursesw.so" "$libs"
    expect_not_contains "every shared library found" "not found" "$libs"
fi
# The example pipeline of `dealboard demo` is looked for in DEALBOARD_DATADIR.
check "the binary looks for examples in /usr/share/dealboard" \
    grep -q -a '/usr/share/dealboard/examples/pipeline' "$bin"
expect_eq "and not in /usr/local" "" "$(grep -a -o '/usr/local/share/dealboard' "$bin")"

man=$root/usr/share/man/man1/dealboard.1.gz
check "man page in /usr/share/man/man1, compressed" test -f "$man"
check "it is the project's man page" sh -c "gzip -dc '$man' | cmp - '$top/dealboard.1'"
if command -v groff > /dev/null; then
    expect_contains "installed man page renders" "IMPORT AND EXPORT" \
        "$(gzip -dc "$man" | groff -man -Tascii -P-cbou 2>&1)"
fi
comp=$root/usr/share/bash-completion/completions/dealboard
check "bash completion in /usr/share/bash-completion/completions" cmp "$top/completion/dealboard.bash" "$comp"
data=$root/usr/share/dealboard
for keys in "$top"/keymaps/*.keys; do
    [ -f "$keys" ] || continue
    check "keymap $(basename "$keys") in /usr/share/dealboard/keymaps" \
        cmp "$keys" "$data/keymaps/$(basename "$keys")"
done
check "example pipeline in /usr/share/dealboard/examples" cmp "$top/examples/pipeline/pipeline.json" \
    "$data/examples/pipeline/pipeline.json"
expect_eq "with every example deal" \
    "$(cd "$top/examples" && find . -type f | LC_ALL=C sort)" \
    "$(cd "$data/examples" && find . -type f | LC_ALL=C sort)"
check "copyright in /usr/share/doc/dealboard" test -f "$root/usr/share/doc/dealboard/copyright"
check "changelog in /usr/share/doc/dealboard" \
    sh -c "ls '$root'/usr/share/doc/dealboard/changelog*.gz"
expect_eq "no file writable by others, none setuid" "" \
    "$(find "$root" \( -perm -o+w -o -perm -u+s -o -perm -g+s \) ! -type l)"

# The installed binary, with the installed completion, on a fresh pipeline.
DEALBOARD=$bin
expect_exit "installed binary: --version" 0 db --version
expect_eq "says the Makefile's version" "dealboard $version" "$OUT"
expect_exit "init" 0 db init "$TMP/pipe"
cd "$TMP/pipe" || exit 1
expect_exit "add" 0 db add "Acme rollout" --account "Acme GmbH" --value 48k --close 2027-03-31 \
    --next "Call the CFO" --due +3
id=$OUT
expect_contains "add prints the new id" "acme-rollout-" "$id"
expect_exit "move" 0 db move acme explore
expect_exit "list" 0 db list
expect_contains "list shows the deal" "$id" "$OUT"
expect_exit "list --json" 0 db list --json
expect_eq "list --json: the deal, 48000" "$id 48000" \
    "$(printf '%s' "$OUT" | pyjson '" ".join("%s %s" % (x["id"], x["value"]) for x in d["deals"])' 2>&1)"
expect_exit "show" 0 db show acme
expect_contains "show names the stage" "Explore" "$OUT"
expect_exit "report" 0 db report
expect_exit "doctor" 0 db doctor
expect_eq "a commit each for init, add and move; git status clean" "3 clean" \
    "$(commit_count "$TMP/pipe") $(is_clean "$TMP/pipe" && echo clean)"
if command -v bash > /dev/null; then
    expect_eq "installed completion with the installed binary" "export" \
        "$(PATH="$root/usr/bin:$PATH" bash "$top/tests/cli/data/complete.bash" "$comp" dealboard expo)"
fi
