# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The lithsm authors
# complete.bash - the completion function of lithsm; Makefile.am appends it
# to the lists completion/lithsm.awk makes from doc/cli (_lithsm_commands,
# _lithsm_globals, _lithsm_options, _lithsm_subcommands, _lithsm_takes).

# _lithsm_reply KIND: the candidates for an option's argument of that kind.
_lithsm_reply() {
    case $1 in
    file | dir)
        compopt -o filenames 2>/dev/null
        if [ "$1" = dir ]; then
            mapfile -t COMPREPLY < <(compgen -d -- "$cur")
        else
            mapfile -t COMPREPLY < <(compgen -f -- "$cur")
        fi ;;
    choice\ *) mapfile -t COMPREPLY < <(compgen -W "${1#choice }" -- "$cur") ;;
    esac
}

_lithsm() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev= cmd= at=0 i=1 w kind words
    COMPREPLY=()
    [ "$COMP_CWORD" -gt 1 ] && prev=${COMP_WORDS[COMP_CWORD - 1]}
    # The command: the first word that is neither a global option nor the
    # argument of one.
    while [ "$i" -lt "$COMP_CWORD" ]; do
        w=${COMP_WORDS[i]}
        case $w in
        -*) [ -n "$(_lithsm_takes lithsm "$w")" ] && i=$((i + 1)) ;;
        *) cmd=$w at=$i; break ;;
        esac
        i=$((i + 1))
    done
    if [ -z "$cmd" ]; then
        kind=$(_lithsm_takes lithsm "$prev")
        if [ -n "$kind" ]; then
            _lithsm_reply "$kind"
        elif [ "${cur#-}" != "$cur" ]; then
            mapfile -t COMPREPLY < <(compgen -W "$_lithsm_globals" -- "$cur")
        else
            mapfile -t COMPREPLY < <(compgen -W "$_lithsm_commands help" -- "$cur")
        fi
        return
    fi
    if [ "$cmd" = help ]; then
        [ "$COMP_CWORD" -eq $((at + 1)) ] &&
            mapfile -t COMPREPLY < <(compgen -W "$_lithsm_commands" -- "$cur")
        return
    fi
    # devnet and serve are programs of their own: no global options.
    kind=$(_lithsm_takes "$cmd" "$prev")
    case $cmd in
    devnet | serve) ;;
    *) [ -n "$kind" ] || kind=$(_lithsm_takes lithsm "$prev") ;;
    esac
    case $kind in
    value) return ;;
    ?*) _lithsm_reply "$kind"; return ;;
    esac
    if [ "${cur#-}" != "$cur" ]; then
        words=$(_lithsm_options "$cmd")
        case $cmd in
        devnet | serve) ;;
        *) words="$words ${_lithsm_globals/--version/}" ;;
        esac
        mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur" | sort -u)
        return
    fi
    words=$(_lithsm_subcommands "$cmd")
    if [ "$COMP_CWORD" -eq $((at + 1)) ] && [ -n "$words" ]; then
        mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
        return
    fi
    _lithsm_reply file
}
complete -F _lithsm lithsm
