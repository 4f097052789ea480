/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * command.h - the command-line frame shared by the lithsm CLI and the
 * lithsm-devnet program: the command table entry, messages, option parsing
 * and JSON members.  Both programs compile command.c; neither reaches
 * into the other's folder.  Messages read "lithsm <command>: ...", the
 * way users call both ('lithsm devnet' runs lithsm-devnet).
 */
#ifndef LITHSM_TOOLS_COMMAND_H
#define LITHSM_TOOLS_COMMAND_H

#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <json-c/json.h>

#if defined(__GNUC__)
#define CLI_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CLI_PRINTF(f, a)
#endif

/* Exit statuses.  verify uses 0 accept, 1 reject, 2 unusable input. */
#define CLI_EXIT_OK 0
#define CLI_EXIT_FAIL 1
#define CLI_EXIT_USAGE 2
/* A failure that may pass if tried again later (sysexits' EX_TEMPFAIL):
 * a node or RPC endpoint could not be reached, a token is not present,
 * its module cannot be loaded, or it is busy (cli_exit_for()). */
#define CLI_EXIT_TEMPFAIL 75

/* Returned by cli_next_option() after reporting a bad option. */
#define CLI_OPT_ERROR (-2)
/* The value cli_next_option() returns for -h / --help. */
#define CLI_OPT_HELP 'h'

typedef struct cli_command cli_command;

struct cli_command {
    const char *name;    /* "address"; "" for the program itself */
    const char *summary; /* one line for "lithsm --help" */
    const char *usage;   /* synopsis lines, printed on usage errors */
    const char *help;    /* the full manual page for --help */
    /* argv[0] is the command name; returns an exit status. */
    int (*run)(const cli_command *cmd, int argc, char **argv);
};

/* ---- messages */

/* How messages reach stderr.  The defaults (text, warnings shown, no
 * notes) are those of lithsm-devnet and lithsm-serve; the lithsm CLI
 * changes them with -v, -q, LITHSM_DEBUG and --error-format. */
typedef struct cli_output {
    /* -1 (-q): errors only; 0: errors and warnings; 1 (-v): notes too;
     * 2 (-vv, LITHSM_DEBUG=1): debug lines too. */
    int verbosity;
    /* Nonzero: every line on stderr is one JSON object: errors
     * {"error":CODE,"message":...,"field":...,"command":...}, the others
     * {"warning"|"note"|"debug":...,"command":...}. */
    int json;
} cli_output;

/** Sets how messages are printed (process-wide; call before any). */
void cli_output_set(const cli_output *out);

/** The current verbosity; nonzero when errors are JSON (cli_output). */
int cli_verbosity(void);
int cli_output_json(void);

/** "lithsm <cmd>: <message>" on stderr (code "ERROR"). */
void cli_error(const cli_command *cmd, const char *fmt, ...) CLI_PRINTF(2, 3);

/** An error with its code name (a library code like "PARSE", or "USAGE",
 *  "CONFIG", "IO", "ERROR") and the option or member it is about (NULL:
 *  the first "--option" the message names, if any).  Text: "lithsm
 *  <cmd>: <message>"; JSON: one object (cli_output). */
void cli_error_code(const cli_command *cmd, const char *code, const char *field,
                    const char *fmt, ...) CLI_PRINTF(4, 5);

/** "lithsm <cmd>: warning: <message>", unless -q. */
void cli_warn(const cli_command *cmd, const char *fmt, ...) CLI_PRINTF(2, 3);

/** "lithsm <cmd>: note: <message>" at verbosity 1 and more, "debug:" at
 *  `level` 2.  Never give it a secret. */
void cli_note(const cli_command *cmd, int level, const char *fmt, ...)
    CLI_PRINTF(3, 4);

/** Reports a usage problem, then the synopsis and a pointer to --help, on
 *  stderr.  Returns CLI_EXIT_USAGE. */
int cli_usage_error(const cli_command *cmd, const char *fmt, ...)
    CLI_PRINTF(2, 3);

/** Prints the manual page of `cmd` on stdout.  Returns CLI_EXIT_OK. */
int cli_print_help(const cli_command *cmd);

/* ---- options */

/** getopt_long() over the long options (plus -h): returns the option's
 *  value, -1 at the end, or CLI_OPT_ERROR after reporting an unknown
 *  option, a missing argument or a stray operand. */
int cli_next_option(const cli_command *cmd, int argc, char **argv,
                    const struct option *longopts);

/** What a program does with one option: `c` is getopt's value (never
 *  -h), `arg` its argument.  Returns 0 or an exit status. */
typedef int (*cli_option_fn)(const cli_command *cmd, void *ctx, int c,
                             const char *arg);

/** Reads the options in order through cli_next_option(), giving each to
 *  `option` with `ctx`; the first error stops (a bad option is
 *  CLI_EXIT_USAGE), and so does --help, which sets *help.  Returns 0 or
 *  the exit status of the error. */
int cli_read_options(const cli_command *cmd, int argc, char **argv,
                     const struct option *longopts, cli_option_fn option,
                     void *ctx, int *help);

/** Options every command of a program takes besides its own (the lithsm
 *  CLI's -v, -q, --error-format): cli_read_options() accepts `longopts`
 *  (their values clear of every command's; `shortopts` the letters of the
 *  short ones, as getopt spells them) and gives them to `option` (ctx
 *  NULL).  Until this is called there are none. */
void cli_set_global_options(const struct option *longopts,
                            const char *shortopts, cli_option_fn option);

/** For a command that reads its own command line: when argv[*i] is a
 *  global option (--name, --name=VALUE, --name VALUE, -v, -vv...), hands
 *  it to the global handler, moves *i past its value and returns 1 with
 *  the handler's status in *rc; else returns 0. */
int cli_global_word(const cli_command *cmd, int argc, char **argv, int *i,
                    int *rc);

/** Stores an option that may be given once; a usage error otherwise.
 *  Returns 0 or CLI_EXIT_USAGE. */
int cli_set_once(const cli_command *cmd, const char **slot, const char *name,
                 const char *value);

/** Reports a missing required option; returns CLI_EXIT_USAGE. */
int cli_missing(const cli_command *cmd, const char *name);

/** Appends `value` to a growable array of borrowed strings.
 *  Returns 0, or CLI_EXIT_FAIL when memory runs out. */
int cli_push(const cli_command *cmd, const char ***list, size_t *n,
             const char *value);

/** Parses a decimal unsigned integer (digits only) into *out.
 *  Returns 0 or CLI_EXIT_USAGE. */
int cli_parse_u64(const cli_command *cmd, const char *name, const char *text,
                  uint64_t *out);

/* ---- output */

/** The exit status of a program that ends with `status`: a full disk or a
 *  closed pipe on stdout must not look like success, so a failed flush
 *  is reported as "<prog>: cannot write the output: ..." and turns
 *  CLI_EXIT_OK into CLI_EXIT_FAIL. */
int cli_exit_status(const char *prog, int status);

/** Adds a string member (NULL: JSON null) / an integer member to an
 *  object.  Returns 0, or -1 when memory runs out. */
int cli_json_add_str(json_object *obj, const char *key, const char *value);
int cli_json_add_int(json_object *obj, const char *key, int64_t value);

/** Parses a request body strictly: one JSON value, UTF-8, nesting at most
 *  depth, no NUL, nothing after it but white space.  NULL when it is not
 *  such JSON (or len is over INT32_MAX, or memory runs out). */
json_object *cli_json_parse_strict(const char *text, size_t len, int depth);

/* ---- servers (lithsm-devnet, lithsm-serve) */

/** Blocks SIGTERM, SIGINT and SIGHUP in the calling thread (call it
 *  before any thread starts, so that only sigwait() on *stop sees them)
 *  and ignores SIGPIPE (a closed client socket must not kill a server).
 *  Returns 0, or CLI_EXIT_FAIL after reporting. */
int cli_block_stop_signals(const cli_command *cmd, sigset_t *stop);

/* ---- redaction */

/** A key file name or URI fit for a message: a pkcs11: URI shows only its
 *  token= and object= attributes (never pin-value, pin-source or other
 *  query attributes). */
void cli_redact_uri(char *out, size_t size, const char *uri);

#endif /* LITHSM_TOOLS_COMMAND_H */
