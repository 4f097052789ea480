# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The lithsm authors
# lithsm.awk - the bash completion of lithsm, made from the help pages
# doc/cli/lithsm-*.txt (run by Makefile.am at build time; the pages are the
# one source of the commands, their options and their --help).
#
#   awk -f doc/man/include.awk -f completion/lithsm.awk doc/cli/lithsm*.txt \
#       >completion/lithsm
#   cat completion/complete.bash >>completion/lithsm
#
# From each page: the command (its NAME line), its options (the terms of
# OPTIONS and the --words of SYNOPSIS, with @include followed), what each
# option takes (FILE, PEM, PATH: a file; DIR: a folder; a|b: one of those
# words; another word: a value; none: nothing) and its subcommands
# (SYNOPSIS lines "lithsm CMD word ...", as audit verify, chipotle proof
# and tx).  lithsm.txt's options are the global ones, under the name
# "lithsm".  completion/complete.bash completes with these lists.
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
    if (heading == "NAME" && cmd == "" && s ~ /^    lithsm - /) {
        cmd = "lithsm"
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
        option(w, next_w ~ /^[A-Z]/ || choices(next_w) ? next_w : "")
    }
}

function strip(w)
{
    gsub(/[][()]/, "", w)
    sub(/\.\.\.$/, "", w)
    sub(/[,;]$/, "", w)
    return w
}

# Words a|b|c, one of them at least with a small letter (FILE|URI is not).
function choices(w)
{
    return w ~ /^[A-Za-z0-9-]+(\|[A-Za-z0-9-]+)+$/ && w ~ /[a-z]/
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
    if (choices(arg)) {
        kind = arg
        gsub(/\|/, " ", kind)
        kind = "choice " kind
    } else if (arg ~ /^(FILE|PEM|PATH)/)
        kind = "file"
    else if (arg ~ /^DIR/)
        kind = "dir"
    else
        kind = "value"
    if (kind == "file" && index(" " files " ", " " opt " ") == 0)
        files = files (files == "" ? "" : " ") opt
    if (kind == "dir" && index(" " dirs " ", " " opt " ") == 0)
        dirs = dirs (dirs == "" ? "" : " ") opt
    if (takes[key] !~ /^choice/)
        takes[key] = kind
}

function print_script(n, i, list, c, o, m, j, olist, vals)
{
    print "# bash completion for lithsm: made from doc/cli by completion/lithsm.awk."
    print "# Do not edit."
    print "_lithsm_commands='" commands "'"
    print "_lithsm_globals='" opts["lithsm"] "'"
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
    print "# _lithsm_takes CMD OPTION: file, dir, value, choice WORD... or"
    print "# nothing (CMD lithsm: a global option)."
    print "_lithsm_takes() {"
    print "    case $1:$2 in"
    list[++n] = "lithsm"
    for (i = 1; i <= n; i++) {
        c = list[i]
        m = split(opts[c], olist, " ")
        for (j = 1; j <= m; j++) {
            o = olist[j]
            if ((c SUBSEP o) in takes)
                printf "    %s:%s) echo '%s' ;;\n", c, o, takes[c SUBSEP o]
        }
    }
    print "    esac"
    print "}"
}
