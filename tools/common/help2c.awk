# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The lithsm authors
# help2c.awk - the manual pages doc/cli/lithsm*.txt as C strings (run by
# Makefile.am at build time; the .txt files are the one source of the text).
#
# Each page becomes one array: lithsm-NAME.txt -> cli_help_NAME (dashes
# made underscores), lithsm.txt -> cli_help_lithsm.  Two kinds of lines
# are directives, not text:
#   @include FILE   the lines of FILE, a file next to the page
#   @WORD           a part the program prints itself: the page's array
#                   ends there and the text after it is cli_help_NAME_after_WORD
# Plain POSIX awk, so that any awk configure finds will do.

BEGIN {
    print "/* Made from doc/cli by tools/cli/help2c.awk: do not edit. */"
}

FNR == 1 {
    end_array()
    page = symbol(FILENAME)
    begin_array(page)
    dir = FILENAME
    sub(/[^\/]*$/, "", dir)
}

/^@include / {
    include(dir substr($0, 10))
    next
}

/^@[a-z]+$/ {
    end_array()
    begin_array(page "_after_" substr($0, 2))
    next
}

{ emit($0) }

END { end_array() }

function symbol(path, s)
{
    s = path
    sub(/.*\//, "", s)
    sub(/\.txt$/, "", s)
    sub(/^lithsm-/, "", s)
    gsub(/-/, "_", s)
    return "cli_help_" s
}

function begin_array(name)
{
    printf "\nconst char %s[] =\n", name
    in_array = 1
}

function end_array()
{
    if (in_array)
        print "    \"\";"
    in_array = 0
}

# One line as a C string literal: backslash, quote and '?' (trigraphs)
# escaped, the newline added.
function emit(line)
{
    gsub(/\\/, "\\\\&", line)
    gsub(/"/, "\\\"", line)
    gsub(/\?/, "\\?", line)
    printf "    \"%s\\n\"\n", line
}

function include(path, line, rc)
{
    while ((rc = (getline line < path)) > 0)
        emit(line)
    if (rc < 0) {
        print "help2c.awk: cannot read " path | "cat 1>&2"
        exit 1
    }
    close(path)
}
