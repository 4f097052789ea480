/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * cli_siwe.h - the SIWE options shared by delegate and session-sigs
 * (--nonce, --expiration, --domain, --statement, --issued-at) and the
 * times they give.
 */
#ifndef LITHSM_CLI_SIWE_H
#define LITHSM_CLI_SIWE_H

#include "cli.h"

/* getopt values of the SIWE options, clear of the commands' own. */
enum {
    CLI_SIWE_NONCE = 0x3000,
    CLI_SIWE_EXPIRATION,
    CLI_SIWE_DOMAIN,
    CLI_SIWE_STATEMENT,
    CLI_SIWE_ISSUED_AT
};

/* The struct option lines for a command's option table. */
#define CLI_SIWE_LONGOPTS                                               \
    { "nonce", required_argument, NULL, CLI_SIWE_NONCE },               \
        { "expiration", required_argument, NULL, CLI_SIWE_EXPIRATION }, \
        { "domain", required_argument, NULL, CLI_SIWE_DOMAIN },         \
        { "statement", required_argument, NULL, CLI_SIWE_STATEMENT },   \
    {                                                                   \
        "issued-at", required_argument, NULL, CLI_SIWE_ISSUED_AT        \
    }

typedef struct cli_siwe_opts {
    const char *nonce, *expiration, *domain, *statement, *issued_at;
} cli_siwe_opts;

/* The times the options give, in the canonical form. */
typedef struct cli_siwe_times {
    char iat[LITHSM_TIME_LEN + 1]; /* --issued-at, default now */
    char exp[LITHSM_TIME_LEN + 1]; /* --expiration or its default */
    int64_t iat_ms, exp_ms;
} cli_siwe_times;

/** 1 when getopt value `c` is a SIWE option. */
int cli_siwe_is_option(int c);

/** Stores SIWE option `c`.  Returns 0 or CLI_EXIT_USAGE. */
int cli_siwe_set(const cli_command *cmd, cli_siwe_opts *o, int c,
                 const char *arg);

/** The times: Issued At, then the expiration, by default `default_ms`
 *  after it (0: no default; exp stays empty and exp_ms 0).  Returns 0,
 *  CLI_EXIT_USAGE (a bad time) or CLI_EXIT_FAIL. */
int cli_siwe_times_get(const cli_command *cmd, const cli_siwe_opts *o,
                       int64_t default_ms, cli_siwe_times *t);

#endif /* LITHSM_CLI_SIWE_H */
