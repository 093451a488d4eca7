# bash completion for dealboard(1)                         -*- shell-script -*-
# Commands, options, stage ids and deal ids come from the binary itself
# ("dealboard __complete …"), so they always match the installed version and
# the pipeline at hand (-C DIR, $DEALBOARD_REPO or the current directory).
# Deal ids are listed from file names only: fast on large pipelines.

# Runs the dealboard being completed, with the global options already typed.
_dealboard_list()
{
    "$_dealboard_prog" "${_dealboard_global[@]}" __complete "$@" 2>/dev/null
}

# Adds the words of $1 (separated by spaces or newlines) that start with $2.
_dealboard_reply()
{
    local word
    while IFS= read -r word; do
        [[ -n $word ]] && COMPREPLY+=("$word")
    done < <(compgen -W "$1" -- "$2")
}

# Sets _dealboard_cmd, _dealboard_cmd_at and _dealboard_global (-C DIR, --keys NAME).
_dealboard_find_command()
{
    local i word
    _dealboard_cmd="" _dealboard_cmd_at=0 _dealboard_global=()
    for ((i = 1; i < COMP_CWORD; i++)); do
        word=${COMP_WORDS[i]}
        case $word in
            -C | --keys)
                ((i + 1 < COMP_CWORD)) || return
                word=${COMP_WORDS[i + 1]}
                _dealboard_global+=("${COMP_WORDS[i]}" "${word/#\~/$HOME}")
                ((i++))
                ;;
            -C?* | --keys=*) _dealboard_global+=("${word/#-C\~/-C$HOME}") ;;
            -*) ;;
            *)
                _dealboard_cmd=$word _dealboard_cmd_at=$i
                return
                ;;
        esac
    done
}

# How many positional arguments come before the word being completed.
_dealboard_position()
{
    local i n=0 valued
    valued=" $(_dealboard_list value-options "$_dealboard_cmd" | tr '\n' ' ') "
    for ((i = _dealboard_cmd_at + 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
            --*=*) ;;
            --*) [[ $valued == *" ${COMP_WORDS[i]} "* ]] && ((i++)) ;;
            *) ((n++)) ;;
        esac
    done
    echo "$n"
}

# Completes the value of an option; false when prev takes no value.
_dealboard_option_value()
{
    local prev=$1 cur=$2
    [[ " $(_dealboard_list value-options "$_dealboard_cmd" | tr '\n' ' ') " == *" $prev "* ]] ||
        return 1
    case $prev in
        --stage) _dealboard_reply "$(_dealboard_list stages)" "$cur" ;;
        --close | --due | --until | --revisit) _dealboard_reply "today tomorrow +7 +2w" "$cur" ;;
        --role) _dealboard_reply "$(_dealboard_list roles)" "$cur" ;;
    esac
    return 0
}

_dealboard_argument()
{
    local cur=$1 n
    n=$(_dealboard_position)
    case $_dealboard_cmd:$n in
        import:0) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")) ;;
        init:0 | clone:1) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "$cur")) ;;
        move:1 | seen:1) _dealboard_reply "$(_dealboard_list stages)" "$cur" ;;
        set:1) _dealboard_reply "$(_dealboard_list fields)" "$cur" ;;
        set:2)
            [[ ${COMP_WORDS[COMP_CWORD - 1]} == stage ]] &&
                _dealboard_reply "$(_dealboard_list stages)" "$cur"
            ;;
        plan:1) _dealboard_reply "add done rm" "$cur" ;;
        person:1) _dealboard_reply "add rm contact" "$cur" ;;
        person:3)
            [[ ${COMP_WORDS[COMP_CWORD - 2]} == contact ]] &&
                _dealboard_reply "today" "$cur"
            ;;
        ref:1) _dealboard_reply "ready not-ready asked" "$cur" ;;
        ref:2) _dealboard_reply "$(_dealboard_list ids "$cur")" "$cur" ;;
        show:0 | move:0 | set:0 | touch:0 | note:0 | next:0 | won:0 | lost:0 | moveon:0 | \
            reopen:0 | snooze:0 | log:0 | plan:0 | seen:0 | ref:0 | refs:0 | person:0)
            _dealboard_reply "$(_dealboard_list ids "$cur")" "$cur"
            ;;
    esac
}

_dealboard()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    local _dealboard_prog=${COMP_WORDS[0]/#\~/$HOME}
    local _dealboard_cmd _dealboard_cmd_at _dealboard_global
    COMPREPLY=()
    command -v "$_dealboard_prog" >/dev/null 2>&1 || _dealboard_prog=dealboard
    _dealboard_find_command
    if [[ $prev == -C ]]; then
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -d -- "$cur"))
    elif [[ $prev == --keys ]]; then
        _dealboard_reply "default emacs" "$cur"
    elif [[ -z $_dealboard_cmd ]]; then
        if [[ $cur == -* ]]; then
            _dealboard_reply "-C --keys --help --version" "$cur"
        else
            _dealboard_reply "$(_dealboard_list commands)" "$cur"
        fi
    elif [[ $prev == --* ]] && _dealboard_option_value "$prev" "$cur"; then
        :
    elif [[ $cur == -* ]]; then
        _dealboard_reply "$(_dealboard_list options "$_dealboard_cmd")" "$cur"
    else
        _dealboard_argument "$cur"
    fi
}

complete -F _dealboard dealboard
