# Used by tests/cli/completion.sh: prints what bash would offer for the words
# given (the last one is being completed), sorted, one line.
. "$1"
shift
COMP_WORDS=("$@")
COMP_CWORD=$(($# - 1))
COMPREPLY=()
_dealboard
printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
