# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The lithsm authors
# txt2man.awk - a help page doc/cli/lithsm*.txt as a man page (run by
# Makefile.am at build time: the .txt file is the one source of the
# command's --help, which tools/common/help2c.awk compiles in, and of its
# man page; tests/man.test checks that both say the same words).
#
#   awk -f include.awk -f txt2man.awk -v section=1 -v version=V \
#       -v commands='PAGE...' PAGE
#
# The text's layout is the markup:
#   a line at column 0 in capitals      a section heading (.SH)
#   4 spaces, text                      filled text; a blank line before
#                                       it starts a paragraph (.PP)
#   more spaces                         kept as it is (.nf), e.g. examples
#   in OPTIONS, 4 spaces then '-'       an option (.TP): the words up to two
#                                       spaces, then its description, whose
#                                       deeper lines are kept as they are
#   @include FILE                       the lines of FILE, next to PAGE
#   @commands                           lithsm.txt's list of commands: the
#                                       NAME line of each page in commands
# Plain POSIX awk, as help2c.awk.

BEGIN {
    mode = ""          # "", "fill", "nf", "term"
    heading = ""
    blank = 0
    if (section == "")
        section = 1
}

FNR == 1 {
    page = FILENAME
    sub(/.*\//, "", page)
    sub(/\.txt$/, "", page)
    dir = FILENAME
    sub(/[^\/]*$/, "", dir)
    title = toupper(page)
    gsub(/-/, "\\-", title)
    print ".\\\" Made from doc/cli/" page ".txt by doc/man/txt2man.awk: do not edit."
    printf ".TH %s %s \"\" \"lithsm %s\" \"lithsm manual\"\n", title, section,
        version
    print ".nh"
    print ".ad l"
}

/^@include / {
    include(dir substr($0, 10))
    next
}

{ line($0) }

END {
    close_mode()
    see_also()
}

# ---------------------------------------------------------------- lines

function line(s, ind)
{
    if (s ~ /^@commands$/) {
        list_commands()
        return
    }
    if (s ~ /^[ \t]*$/) {
        blank = 1
        return
    }
    if (s ~ /^[A-Z][A-Z0-9 ]*$/) {
        close_mode()
        heading = s
        printf ".SH \"%s\"\n", s
        blank = 0
        started = 0
        return
    }
    ind = match(s, /[^ ]/) - 1
    if (heading == "NAME") {
        name_line(s)
        return
    }
    if (mode == "desc" || mode == "descnf") {
        if (ind < column && (blank || ind > 4)) {
            # The list ended.
            close_mode()
            listed = 1
        } else if (ind == 4 && !blank) {
            # The next term, its description on the lines below.
            option_term(s)
            return
        }
    }
    if (ind == 4 && (heading == "OPTIONS" && substr(s, 5, 1) == "-" ||
                     s ~ /^    [^ ].*[^ ]   +[^ ]/)) {
        option_term(s)
        return
    }
    if (mode == "term" || mode == "desc" || mode == "descnf") {
        if (ind > 4 || mode == "term") {
            option_text(s, ind)
            return
        }
        close_mode()
        listed = 1
    }
    if (ind <= 4)
        fill_text(substr(s, ind + 1))
    else
        nf_text(substr(s, 5))
}

# "lithsm address - text" is "lithsm-address - text": the page's name.
function name_line(s)
{
    sub(/^ +/, "", s)
    if (page != "lithsm")
        sub(/^lithsm /, "lithsm-", s)
    print esc(s)
}

function fill_text(s)
{
    if (mode == "nf" || mode == "descnf")
        print ".fi"
    if (mode != "fill") {
        if (blank && started || listed)
            print ".PP"
        mode = "fill"
    } else if (blank) {
        print ".PP"
    }
    blank = 0
    listed = 0
    started = 1
    print esc(s)
}

function nf_text(s)
{
    if (mode != "nf") {
        if (mode == "descnf")
            print ".fi"
        if (blank && started || listed)
            print ".PP"
        print ".nf"
        mode = "nf"
    } else if (blank) {
        print ""
    }
    blank = 0
    listed = 0
    started = 1
    print esc(s)
}

function close_mode()
{
    if (mode == "term")
        print_term()
    if (mode == "nf" || mode == "descnf")
        print ".fi"
    mode = ""
}

# ---------------------------------------------------------------- options

# An option line: its term (up to two spaces), maybe its description.
function option_term(s, rest, at)
{
    if (mode == "term" && !blank) {
        # A term over several lines.
        term = term " " substr(s, 5)
    } else {
        close_mode()
        term = substr(s, 5)
    }
    blank = 0
    started = 1
    mode = "term"
    at = match(term, /  +/)
    if (at == 0)
        return
    rest = substr(term, at + RLENGTH)
    term = substr(term, 1, at - 1)
    column = 4 + at - 1 + RLENGTH
    print_term()
    mode = "desc"
    print esc(rest)
}

function print_term(n, i, w, words, out, tail)
{
    n = split(term, words, " ")
    out = ""
    for (i = 1; i <= n; i++) {
        w = words[i]
        tail = ""
        if (w ~ /,$/) {
            tail = ","
            w = substr(w, 1, length(w) - 1)
        }
        if (w ~ /^-/ || heading != "OPTIONS")
            w = "\\fB" esc(w) "\\fR"
        else
            w = "\\fI" esc(w) "\\fR"
        out = out (i > 1 ? " " : "") w tail
    }
    print ".TP"
    print out
}

# A line under an option: its description, or deeper, kept as it is.
function option_text(s, ind)
{
    if (mode == "term") {
        column = ind
        print_term()
        mode = "desc"
    }
    if (ind <= column) {
        if (mode == "descnf") {
            print ".fi"
            mode = "desc"
        }
        if (blank)
            print ".IP"
        blank = 0
        print esc(substr(s, ind + 1))
        return
    }
    if (mode != "descnf") {
        print ".nf"
        mode = "descnf"
    } else if (blank) {
        print ""
    }
    blank = 0
    print esc(substr(s, column + 1))
}

# ---------------------------------------------------------------- lists

# lithsm(1)'s COMMANDS: each page's NAME line, "lithsm CMD - summary".
function list_commands(n, i, files, f, l, cmd, summary)
{
    close_mode()
    n = split(commands, files, " ")
    for (i = 1; i <= n; i++) {
        f = files[i]
        l = name_of(f)
        if (l ~ /^lithsm - /)
            continue
        cmd = l
        sub(/^lithsm /, "", cmd)
        sub(/ - .*/, "", cmd)
        summary = substr(l, length("lithsm " cmd " - ") + 1)
        print ".TP"
        print "\\fB" esc(cmd) "\\fR"
        print esc(summary) " (\\fBlithsm\\-" esc(cmd) "\\fR(" \
            (cmd == "serve" ? 8 : 1) "))."
        cmds[++ncmds] = cmd
    }
    started = 1
}

function name_of(f, l, rc, seen)
{
    seen = 0
    while ((rc = (getline l < f)) > 0) {
        if (seen && l ~ /^    lithsm /) {
            close(f)
            sub(/^ +/, "", l)
            return l
        }
        if (l == "NAME")
            seen = 1
    }
    print "txt2man.awk: no NAME line in " f | "cat 1>&2"
    exit 1
}

function see_also(i, out)
{
    print ".SH \"SEE ALSO\""
    if (page == "lithsm") {
        out = ""
        for (i = 1; i <= ncmds; i++)
            out = out "\\fBlithsm\\-" esc(cmds[i]) "\\fR(" \
                (cmds[i] == "serve" ? 8 : 1) "), "
        print out "\\fBlithsm.conf\\fR(5), \\fBlithsm\\-provider\\fR(7), " \
            "\\fBliblithsm\\fR(3)"
    } else {
        print "\\fBlithsm\\fR(1), \\fBlithsm.conf\\fR(5), " \
            "\\fBlithsm\\-provider\\fR(7)"
    }
}

# ---------------------------------------------------------------- text

# Roff text: backslashes and dashes escaped, a leading '.' or "'" guarded.
function esc(s)
{
    gsub(/\\/, "\\e", s)
    gsub(/-/, "\\-", s)
    if (s ~ /^[.']/)
        s = "\\&" s
    return s
}
