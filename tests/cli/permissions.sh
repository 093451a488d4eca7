#!/bin/sh
# Permissions on shared servers: what dealboard and libgit2 create follows the
# umask, or the repository's core.sharedRepository as git does (libgit2 alone
# ignores it in an existing repository), and nothing is ever world-writable.
. "$(dirname "$0")/../lib.sh"

# What dealboard made after git set the repository up (git's own files follow
# the umask the test chose, even 000).
world_writable() { find "$1" -perm -0002 -not -type l | grep -cvxF -f "$1.before"; }

session() { # UMASK DIR [git init option]: a repo made by git, then dealboard edits in it
    dir=$TMP/$2
    (
        umask "$1"
        git init -q ${3:+"$3"} "$dir" && printf '{"name": "P"}\n' > "$dir/pipeline.json" &&
            git -C "$dir" add pipeline.json && git -C "$dir" commit -qm init &&
            find "$dir" -exec touch -h -d '1 hour ago' {} + && touch "$dir/.marker" &&
            find "$dir" > "$dir.before" &&
            id=$("$DEALBOARD" -C "$dir" add "Shared deal") &&
            "$DEALBOARD" -C "$dir" note "$id" "hello" > /dev/null &&
            "$DEALBOARD" -C "$dir" move "$id" define > /dev/null
    ) || fail "session $2"
}
deal_mode() { find "$TMP/$1/deals" -name '*.json' -printf '%m\n' | sort -u | tr '\n' ' '; }
object_modes() { find "$TMP/$1/.git/objects" -newer "$TMP/$1/.marker" -type f -printf '%m\n' | sort -u | tr '\n' ' '; }
dir_modes() { find "$TMP/$1/.git/objects" -mindepth 1 -newer "$TMP/$1/.marker" -type d -printf '%m\n' | sort -u | tr '\n' ' '; }

session 022 u022
expect_eq "umask 022: deal files 644" "644 " "$(deal_mode u022)"
expect_eq "umask 022: objects 444" "444 " "$(object_modes u022)"

session 002 u002
expect_eq "umask 002: deal files 664" "664 " "$(deal_mode u002)"
expect_eq "umask 002: new object directories 775" "775 " "$(dir_modes u002)"
expect_eq "umask 002: lock file 664" 664 "$(stat -c %a "$TMP/u002/.git/dealboard.lock")"

session 077 u077
expect_eq "umask 077: deal files 600" "600 " "$(deal_mode u077)"
expect_eq "umask 077: objects 400" "400 " "$(object_modes u077)"
expect_eq "umask 077: object directories 700" "700 " "$(dir_modes u077)"

session 000 u000
expect_eq "umask 000: deal files still not world-writable" "664 " "$(deal_mode u000)"

session 077 shared --shared=group
expect_eq "sharedRepository=group, umask 077: deal files 660" "660 " "$(deal_mode shared)"
expect_eq "group: objects 440" "440 " "$(object_modes shared)"
expect_eq "group: object directories 2770 (setgid kept)" "2770 " "$(dir_modes shared)"
expect_eq "group: branch ref 660" 660 "$(stat -c %a "$TMP/shared/.git/refs/heads/main")"
expect_eq "group: index 660" 660 "$(stat -c %a "$TMP/shared/.git/index")"
expect_eq "group: lock file 660" 660 "$(stat -c %a "$TMP/shared/.git/dealboard.lock")"
expect_eq "group: deal directories 770" "770 " \
    "$(find "$TMP/shared/deals" -mindepth 1 -type d -printf '%m\n' | sort -u | tr '\n' ' ')"

session 077 all --shared=all
expect_eq "sharedRepository=all: deal files 664" "664 " "$(deal_mode all)"
expect_eq "all: objects 444" "444 " "$(object_modes all)"

session 077 octal --shared=0640
expect_eq "sharedRepository=0640: deal files 640" "640 " "$(deal_mode octal)"
expect_eq "0640: object directories 2750" "2750 " "$(dir_modes octal)"

for r in u022 u002 u077 u000 shared all octal; do
    expect_eq "$r: nothing world-writable" 0 "$(world_writable "$TMP/$r")"
    expect_eq "$r: no temp files left" 0 "$(find "$TMP/$r" -name '*.tmp-*' | wc -l)"
    expect_exit "$r: doctor" 0 db -C "$TMP/$r" doctor
done
