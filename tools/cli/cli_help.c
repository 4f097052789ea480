/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * cli_help.c - the manual pages of lithsm and its commands.  Their text is
 * doc/cli/lithsm*.txt, the one source of the man pages too; at build time
 * tools/cli/help2c.awk turns it into the C strings of cli_help.inc.
 */
#include "cli.h"

#include "cli_help.inc"
