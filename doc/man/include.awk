# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The lithsm authors
# include.awk - '@include FILE' of the doc/cli help pages, for the awk
# programs that read them as help2c.awk does (doc/man/txt2man.awk,
# completion/lithsm.awk: awk -f doc/man/include.awk -f PROGRAM).  Each line
# of FILE goes to the program's line(); a file that cannot be read stops
# the program.

function include(path, l, rc)
{
    while ((rc = (getline l < path)) > 0)
        line(l)
    if (rc < 0) {
        print "include.awk: cannot read " path | "cat 1>&2"
        exit 1
    }
    close(path)
}
