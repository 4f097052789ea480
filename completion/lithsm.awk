# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The lithsm authors
# lithsm.awk - the bash completion of lithsm, made from the help pages
# doc/cli/lithsm-*.txt (run by Makefile.am at build time; the pages are the
# one source of the commands, their options and their --help).
#
#   awk -f completion/lithsm.awk doc/cli/lithsm-NAME.txt... >completion/lithsm
#
# From each page: the command (its NAME line), its options (the terms of
# OPTIONS and the --words of SYNOPSIS, with @include followed), what each
# option takes (FILE, PEM, PATH: a file; DIR: a folder; another word: a
# value; none: nothing) and its subcommands (SYNOPSIS lines
# "lithsm CMD word ...", as audit verify, chipotle proof and tx).
# Plain POSIX awk, as help2c.awk.

FNR == 1 {
    dir = FILENAME
    sub(/[^\/]*$/, "", dir)
    heading = ""
    cmd = ""
}

/^@include / {
    include(dir substr($0, 10))
    next
}

{ line($0) }

END {
    # Every command takes --help, whether its page lists it or not.
    n = split(commands, list, " ")
    for (i = 1; i <= n; i++) {
        cmd = list[i]
        option("--help", "")
    }
    print_script()
}

function line(s)
{
    if (s ~ /^[A-Z][A-Z0-9 ]*$/) {
        heading = s
        return
    }
    if (heading == "NAME" && cmd == "" && s ~ /^    lithsm [a-z]/) {
        cmd = s
        sub(/^    lithsm /, "", cmd)
        sub(/ .*/, "", cmd)
        commands = commands (commands == "" ? "" : " ") cmd
        return
    }
    if (cmd == "")
        return
    if (heading == "SYNOPSIS")
        synopsis(s)
    else if (heading == "OPTIONS" && s ~ /^    -/)
        term(s)
}

# An OPTIONS term: "--opt ARG, --other  description".
function term(s, n, i, items)
{
    s = substr(s, 5)
    sub(/  .*/, "", s)
    n = split(s, items, ", *")
    for (i = 1; i <= n; i++)
        words(items[i])
}

function synopsis(s, rest)
{
    words(s)
    rest = s
    if (sub("^ *lithsm " cmd " ", "", rest) && rest ~ /^[a-z]+( |$)/) {
        sub(/ .*/, "", rest)
        if (index(" " subs[cmd] " ", " " rest " ") == 0)
            subs[cmd] = subs[cmd] (subs[cmd] == "" ? "" : " ") rest
    }
}

# Words: each --option (or -h), with the word after it when it is an
# argument (capitals, as FILE|URI).
function words(s, n, i, w, next_w, list)
{
    n = split(s, list, " ")
    for (i = 1; i <= n; i++) {
        w = strip(list[i])
        if (w !~ /^(--[a-z][a-z0-9-]*|-h)$/)
            continue
        next_w = i < n ? strip(list[i + 1]) : ""
        option(w, next_w ~ /^[A-Z]/ ? next_w : "")
    }
}

function strip(w)
{
    gsub(/[][()]/, "", w)
    sub(/\.\.\.$/, "", w)
    sub(/[,;]$/, "", w)
    return w
}

function option(opt, arg, key, kind)
{
    key = cmd SUBSEP opt
    if (!(key in seen)) {
        seen[key] = 1
        opts[cmd] = opts[cmd] (opts[cmd] == "" ? "" : " ") opt
    }
    if (arg == "")
        return
    if (arg ~ /^(FILE|PEM|PATH)/)
        kind = "file"
    else if (arg ~ /^DIR/)
        kind = "dir"
    else
        kind = "value"
    if (kind == "file" && index(" " files " ", " " opt " ") == 0)
        files = files (files == "" ? "" : " ") opt
    if (kind == "dir" && index(" " dirs " ", " " opt " ") == 0)
        dirs = dirs (dirs == "" ? "" : " ") opt
    takes[key] = kind
}

function print_script(n, i, list, c, o, m, j, olist, vals)
{
    print "# bash completion for lithsm: made from doc/cli by completion/lithsm.awk."
    print "# Do not edit."
    print "_lithsm_commands='" commands "'"
    print ""
    print "# _lithsm_options CMD: the options of CMD; _lithsm_subcommands CMD: its"
    print "# subcommands."
    print "_lithsm_options() {"
    print "    case $1 in"
    n = split(commands, list, " ")
    for (i = 1; i <= n; i++) {
        c = list[i]
        printf "    %s) echo '%s' ;;\n", c, opts[c]
    }
    print "    esac"
    print "}"
    print "_lithsm_subcommands() {"
    print "    case $1 in"
    for (i = 1; i <= n; i++)
        if (subs[list[i]] != "")
            printf "    %s) echo '%s' ;;\n", list[i], subs[list[i]]
    print "    esac"
    print "}"
    print "# _lithsm_takes CMD OPTION: file, dir, value or nothing."
    print "_lithsm_takes() {"
    print "    case $1:$2 in"
    for (i = 1; i <= n; i++) {
        c = list[i]
        m = split(opts[c], olist, " ")
        for (j = 1; j <= m; j++) {
            o = olist[j]
            if ((c SUBSEP o) in takes)
                printf "    %s:%s) echo %s ;;\n", c, o, takes[c SUBSEP o]
        }
    }
    print "    esac"
    print "}"
    print ""
    print "_lithsm() {"
    print "    local cur=${COMP_WORDS[COMP_CWORD]} cmd=${COMP_WORDS[1]:-}"
    print "    local prev= kind"
    print "    COMPREPLY=()"
    print "    [ \"$COMP_CWORD\" -gt 1 ] && prev=${COMP_WORDS[COMP_CWORD - 1]}"
    print "    if [ \"$COMP_CWORD\" -eq 1 ]; then"
    print "        COMPREPLY=($(compgen -W \"$_lithsm_commands help --help --version\" -- \"$cur\"))"
    print "        return"
    print "    fi"
    print "    if [ \"$cmd\" = help ]; then"
    print "        [ \"$COMP_CWORD\" -eq 2 ] &&"
    print "            COMPREPLY=($(compgen -W \"$_lithsm_commands\" -- \"$cur\"))"
    print "        return"
    print "    fi"
    print "    kind=$(_lithsm_takes \"$cmd\" \"$prev\")"
    print "    case $kind in"
    print "    file)"
    print "        compopt -o filenames 2>/dev/null"
    print "        COMPREPLY=($(compgen -f -- \"$cur\"))"
    print "        return ;;"
    print "    dir)"
    print "        compopt -o filenames 2>/dev/null"
    print "        COMPREPLY=($(compgen -d -- \"$cur\"))"
    print "        return ;;"
    print "    value) return ;;"
    print "    esac"
    print "    case $cur in"
    print "    -*)"
    print "        COMPREPLY=($(compgen -W \"$(_lithsm_options \"$cmd\")\" -- \"$cur\"))"
    print "        return ;;"
    print "    esac"
    print "    if [ \"$COMP_CWORD\" -eq 2 ] && [ -n \"$(_lithsm_subcommands \"$cmd\")\" ]; then"
    print "        COMPREPLY=($(compgen -W \"$(_lithsm_subcommands \"$cmd\")\" -- \"$cur\"))"
    print "        return"
    print "    fi"
    print "    compopt -o filenames 2>/dev/null"
    print "    COMPREPLY=($(compgen -f -- \"$cur\"))"
    print "}"
    print "complete -F _lithsm lithsm"
}

function include(path, l, rc)
{
    while ((rc = (getline l < path)) > 0)
        line(l)
    if (rc < 0) {
        print "lithsm.awk: cannot read " path | "cat 1>&2"
        exit 1
    }
    close(path)
}
