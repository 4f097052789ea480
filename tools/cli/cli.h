/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * cli.h - shared helpers of the lithsm command-line tool.
 *
 * The tool is a client of the public API in lithsm.h only.  Every
 * subcommand prints its result on stdout and its errors on stderr as
 * "lithsm <command>: <message>".
 */
#ifndef LITHSM_CLI_H
#define LITHSM_CLI_H

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <json-c/json.h>

#include "lithsm.h"

/* The frame shared with lithsm-devnet: cli_command, messages, options. */
#include "common/command.h"

#if defined(__GNUC__)
#define CLI_SENTINEL __attribute__((sentinel))
#else
#define CLI_SENTINEL
#endif

/* Input files (messages, JSON, seeds) larger than this are refused. */
#define CLI_MAX_FILE (1024u * 1024u)

extern const cli_command cmd_address;
extern const cli_command cmd_sign_message;
extern const cli_command cmd_sign_tx;
extern const cli_command cmd_delegate;
extern const cli_command cmd_session_sigs;
extern const cli_command cmd_verify;
extern const cli_command cmd_keygen;
extern const cli_command cmd_sign_typed_data;
extern const cli_command cmd_call_data;
extern const cli_command cmd_chipotle;
extern const cli_command cmd_audit;
extern const cli_command cmd_config;

/* The manual pages, made from doc/cli/lithsm*.txt (cli_help.c).  lithsm's
 * own page is in two parts around the command list the program prints. */
extern const char cli_help_lithsm[], cli_help_lithsm_after_commands[];
extern const char cli_help_keygen[], cli_help_address[];
extern const char cli_help_sign_message[], cli_help_delegate[];
extern const char cli_help_session_sigs[], cli_help_verify[];
extern const char cli_help_handshake[];
extern const char cli_help_sign_typed_data[];
extern const char cli_help_sign_tx[];
extern const char cli_help_call_data[];
extern const char cli_help_chipotle[];
extern const char cli_help_audit[];
extern const char cli_help_config[];

/* ---- the shape of a command: parse, check, run */

/** What a command does, in three steps over its own options struct.
 *  cli_run() gives each step a zeroed struct of `size` bytes. */
typedef struct cli_steps {
    const struct option *longopts; /* its options; 'h' is --help */
    size_t size;                   /* of the options struct */
    /* parse: stores option `c` (getopt's value) and its argument `arg`.
     * --help, --pin-source and --module are handled by cli_run(). */
    int (*option)(const cli_command *cmd, void *opts, int c, const char *arg);
    /* check: validates the options before any file or key is touched;
     * usage errors return CLI_EXIT_USAGE.  May prepare what run needs. */
    int (*check)(const cli_command *cmd, void *opts);
    /* run: calls the library and prints the result. */
    int (*run)(const cli_command *cmd, void *opts);
    /* Frees what the steps left in the struct; may be NULL. */
    void (*done)(void *opts);
} cli_steps;

/** Runs a command through its steps: parse every option (the first error
 *  stops), print the manual page on --help, else check, then run.  Returns
 *  the exit status. */
int cli_run(const cli_command *cmd, const cli_steps *steps, int argc,
            char **argv);

/* ---- messages */

/** The exit status for a library failure: CLI_EXIT_TEMPFAIL for one that
 *  may pass later (LITHSM_ERR_NETWORK; a token not present, its module not
 *  loadable, or busy), else CLI_EXIT_FAIL. */
int cli_exit_for(lithsm_err err);

/** The name of a library error code without LITHSM_ERR_ ("PARSE"; "OK";
 *  "UNKNOWN" outside the enum), as --error-format json prints it. */
const char *cli_err_name(lithsm_err err);

/** "lithsm <cmd>: <message>: <lithsm_last_error()> (<lithsm_strerror(err)>)"
 *  on stderr (the detail only when the library left one); with
 *  --error-format json, cli_err_name(err) is the error's code. */
void cli_lib_error(const cli_command *cmd, lithsm_err err, const char *fmt, ...)
    CLI_PRINTF(3, 4);

/** A monotonic clock in milliseconds, for the timings of debug lines. */
int64_t cli_now_ms(void);

/* ---- option values */

/** Parses an RFC 3339 time and writes it in the canonical
 *  YYYY-MM-DDTHH:MM:SS.sssZ form.  Returns 0 or CLI_EXIT_USAGE. */
int cli_parse_time(const cli_command *cmd, const char *name, const char *text,
                   char out[LITHSM_TIME_LEN + 1], int64_t *ms_out);

/** Checks a block-hash nonce: "0x" + 64 hex digits.
 *  Returns 0 or CLI_EXIT_USAGE. */
int cli_check_nonce(const cli_command *cmd, const char *nonce);

/** Checks a node URL: http:// or https://, a host, no path, no trailing
 *  slash.  Returns 0 or CLI_EXIT_USAGE. */
int cli_check_node_url(const cli_command *cmd, const char *url);

/* ---- files */

/** Reads a whole file ("-" is stdin, usable once per run) of at most
 *  CLI_MAX_FILE bytes: a regular file (a FIFO or device is refused, never
 *  waited on) or standard input.  *out is NUL-terminated (not counted in *len) and
 *  freed with free().  Reports errors naming `what` and the path; returns
 *  0 or CLI_EXIT_FAIL. */
int cli_read_file(const cli_command *cmd, const char *what, const char *path,
                  char **out, size_t *len);

/** cli_read_file() for a secret (a session seed): the file must be
 *  owner-only, owned by the user, in a folder nobody else can write, as
 *  ssh wants private keys; the process is made non-dumpable first and the
 *  buffer locked in memory where allowed.  Free it with cli_free_file(). */
int cli_read_secret_file(const cli_command *cmd, const char *what,
                         const char *path, char **out, size_t *len);

/** Wipes, unlocks and frees a buffer of cli_read_secret_file(). */
void cli_free_file(char *buf, size_t len);

/** Opens the signer of a key file or URI ("-": standard input; a name of
 *  lithsm.conf's [keys]: its URI or file), with the --pin-source and
 *  --module settings (cli_token_opts()), reporting failures as "cannot use
 *  the <what> '<path>'" (a URI redacted).
 *  Returns 0 or CLI_EXIT_FAIL. */
int cli_open_signer(const cli_command *cmd, const char *what, const char *path,
                    lithsm_signer **out);

/* ---- keys in a PKCS#11 token */

/* getopt values of --pin-source and --module. */
#define CLI_OPT_PIN_SOURCE 0x2001
#define CLI_OPT_MODULE 0x2002

/* The two long options, for a command's option table. */
#define CLI_TOKEN_OPTIONS                                          \
    { "pin-source", required_argument, NULL, CLI_OPT_PIN_SOURCE }, \
    {                                                              \
        "module", required_argument, NULL, CLI_OPT_MODULE          \
    }

/** Handles --pin-source (c == CLI_OPT_PIN_SOURCE) and --module
 *  (CLI_OPT_MODULE), each allowed once.  Returns 0 or CLI_EXIT_USAGE. */
int cli_token_option(const cli_command *cmd, int c, const char *value);

/** The token settings for the key `uri` (NULL: a token without a URI,
 *  keygen's): --module, else (unless the URI has a module-path)
 *  lithsm.conf's module, else cli_conf_default_module(); --pin-source,
 *  else (unless the URI has a PIN source) lithsm.conf's; prompt is set
 *  when no PIN source is known and standard input is a terminal.  Notes
 *  the module (-v). */
void cli_token_opts(const cli_command *cmd, lithsm_token_opts *opts,
                    const char *uri);

/** Parses JSON text strictly (UTF-8, no trailing data, bounded depth);
 *  reports errors naming `what`.  Returns 0 or CLI_EXIT_FAIL. */
int cli_parse_json(const cli_command *cmd, const char *what, const char *text,
                   size_t len, json_object **out);

/* ---- output */

/** "0x" + lowercase hex of b[0..n) (caller frees), or NULL after an error
 *  message. */
char *cli_hex_of(const cli_command *cmd, const uint8_t *b, size_t n);

/** Prints the JSON object {"key":"value",...} of the (key, value) string
 *  pairs that follow, up to a NULL key; a NULL value is JSON null.
 *  Returns 0 or CLI_EXIT_FAIL. */
int cli_print_fields(const cli_command *cmd, const char *key, ...) CLI_SENTINEL;

/** Prints a json-c value the CLI built, compact, then a newline.
 *  Returns 0 or CLI_EXIT_FAIL. */
int cli_print_json(const cli_command *cmd, json_object *obj);

/** Prints text the library built (already exact JSON), then a newline. */
int cli_print_text(const cli_command *cmd, const char *text);

#endif /* LITHSM_CLI_H */
