/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * cli_siwe.c - the SIWE options of delegate and session-sigs and the
 * times they give.
 */
#include <string.h>

#include "cli_siwe.h"

int cli_siwe_is_option(int c)
{
    return c >= CLI_SIWE_NONCE && c <= CLI_SIWE_ISSUED_AT;
}

int cli_siwe_set(const cli_command *cmd, cli_siwe_opts *o, int c,
                 const char *arg)
{
    switch (c) {
    case CLI_SIWE_NONCE:
        return cli_set_once(cmd, &o->nonce, "--nonce", arg);
    case CLI_SIWE_EXPIRATION:
        return cli_set_once(cmd, &o->expiration, "--expiration", arg);
    case CLI_SIWE_DOMAIN:
        return cli_set_once(cmd, &o->domain, "--domain", arg);
    case CLI_SIWE_STATEMENT:
        return cli_set_once(cmd, &o->statement, "--statement", arg);
    case CLI_SIWE_ISSUED_AT:
        return cli_set_once(cmd, &o->issued_at, "--issued-at", arg);
    default:
        return CLI_EXIT_USAGE;
    }
}

/* The time of option `name`, or now when `text` is NULL. */
static int time_or_now(const cli_command *cmd, const char *name,
                       const char *text, char out[LITHSM_TIME_LEN + 1],
                       int64_t *ms_out)
{
    lithsm_err err;

    if (text != NULL)
        return cli_parse_time(cmd, name, text, out, ms_out);
    *ms_out = lithsm_time_now_ms();
    err = lithsm_time_format(out, *ms_out);
    if (err != LITHSM_OK) {
        cli_lib_error(cmd, err, "cannot format the current time");
        return CLI_EXIT_FAIL;
    }
    return 0;
}

int cli_siwe_times_get(const cli_command *cmd, const cli_siwe_opts *o,
                       int64_t default_ms, cli_siwe_times *t)
{
    lithsm_err err;
    int rc;

    memset(t, 0, sizeof(*t));
    /* One clock reading for the checks and the SIWE. */
    if ((rc = time_or_now(cmd, "--issued-at", o->issued_at, t->iat,
                          &t->iat_ms)) != 0)
        return rc;
    if (o->expiration != NULL)
        return cli_parse_time(cmd, "--expiration", o->expiration, t->exp,
                              &t->exp_ms);
    if (default_ms == 0)
        return 0;
    t->exp_ms = t->iat_ms + default_ms;
    err = lithsm_time_format(t->exp, t->exp_ms);
    if (err != LITHSM_OK) {
        cli_lib_error(cmd, err, "cannot compute the default expiration");
        return CLI_EXIT_USAGE;
    }
    return 0;
}
