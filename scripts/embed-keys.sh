#!/bin/sh
# Turns keymaps/NAME.keys into C strings keymap_NAME_text[] so the built-in
# defaults are parsed exactly like a user's file.
set -eu
echo "/* Generated from the keymaps/NAME.keys files by scripts/embed-keys.sh. Do not edit. */"
for file in "$@"; do
    name=$(basename "$file" .keys | tr -c 'a-zA-Z0-9\n' '_')
    echo "const char keymap_${name}_text[] ="
    sed 's/\\/\\\\/g; s/"/\\"/g; s/^/    "/; s/$/\\n"/' "$file"
    echo "    \"\";"
done
