/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * lithsm.c - the lithsm command: subcommand dispatch, --help, --version.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_conf.h"

/* tools/cmd_handshake.c */
extern const cli_command cmd_handshake;

/* 'lithsm devnet' and 'lithsm serve' are the programs lithsm-devnet
 * (tools/devnet) and lithsm-serve (tools/serve), kept out of this binary
 * so that lithsm links no HTTP server. */
#define DEVNET_PROGRAM "lithsm-devnet"
#define SERVE_PROGRAM "lithsm-serve"

static int run_devnet(const cli_command *cmd, int argc, char **argv);
static int run_serve(const cli_command *cmd, int argc, char **argv);

/* help is NULL: 'lithsm help devnet' asks the program itself. */
static const cli_command cmd_devnet = {
    "devnet",
    "run a local network of Lit-compatible test nodes",
    "lithsm devnet [OPTION]...",
    NULL,
    run_devnet,
};

static const cli_command cmd_serve = {
    "serve",
    "run the signing service (mTLS, policy, audit trail)",
    "lithsm serve --config FILE",
    NULL,
    run_serve,
};

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

static const cli_command *const commands[] = {
    &cmd_keygen,       &cmd_address,   &cmd_sign_message, &cmd_sign_typed_data,
    &cmd_sign_tx,      &cmd_call_data, &cmd_chipotle,     &cmd_delegate,
    &cmd_session_sigs, &cmd_verify,    &cmd_devnet,       &cmd_handshake,
    &cmd_audit,        &cmd_config,    &cmd_serve,
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

/* Runs `program` in dir in place of this process; returns only when it
 * cannot, keeping in *err the first reason other than "not there". */
static void exec_in(const char *dir, const char *program, char **argv, int *err)
{
    char path[PATH_MAX];

    if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, program) >=
        sizeof(path))
        return;
    execv(path, argv);
    if (errno != ENOENT && *err == 0)
        *err = errno;
}

/* Runs `program` (lithsm-devnet, lithsm-serve) with the same arguments,
 * pid and standard streams: beside this binary, where both are installed;
 * one directory up when this is libtool's tools/.libs/lithsm in the build
 * tree (the wrapper there sets the library path); else on PATH. */
static int run_program(const cli_command *cmd, char *program, char **argv)
{
    char self[PATH_MAX], *slash;
    ssize_t n;
    int err = 0;

    argv[0] = program;
    n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n > 0 && (self[n] = '\0', slash = strrchr(self, '/')) != NULL) {
        *slash = '\0';
        slash = strrchr(self, '/');
        if (slash != NULL && strcmp(slash, "/.libs") == 0) {
            *slash = '\0';
            exec_in(self, program, argv, &err);
            *slash = '/';
        }
        exec_in(self, program, argv, &err);
    }
    execvp(program, argv);
    if (errno != ENOENT && err == 0)
        err = errno;
    if (err != 0)
        cli_error(cmd, "cannot run %s: %s", program, strerror(err));
    else
        cli_error(cmd,
                  "cannot run %s: it is neither beside lithsm nor on PATH "
                  "(it is installed with lithsm)",
                  program);
    return CLI_EXIT_FAIL;
}

static int run_devnet(const cli_command *cmd, int argc, char **argv)
{
    static char name[] = DEVNET_PROGRAM;

    (void)argc;
    return run_program(cmd, name, argv);
}

static int run_serve(const cli_command *cmd, int argc, char **argv)
{
    static char name[] = SERVE_PROGRAM;

    (void)argc;
    return run_program(cmd, name, argv);
}

static void print_commands(FILE *out)
{
    size_t i;

    for (i = 0; i < N_COMMANDS; i++)
        fprintf(out, "    %-16s %s\n", commands[i]->name, commands[i]->summary);
}

static void print_main_help(void)
{
    /* The command list comes from the table, so it cannot go stale. */
    fputs(cli_help_lithsm, stdout);
    print_commands(stdout);
    fputs(cli_help_lithsm_after_commands, stdout);
}

static int main_usage(const char *fmt, ...) CLI_PRINTF(1, 2);

/* The output switches: -v, -q, --error-format and their variables. */
#define OPT_ERROR_FORMAT 0x2100

static const struct option global_longopts[] = {
    { "verbose", no_argument, NULL, 'v' },
    { "quiet", no_argument, NULL, 'q' },
    { "error-format", required_argument, NULL, OPT_ERROR_FORMAT },
    { NULL, 0, NULL, 0 },
};

static struct {
    int verbose, quiet, debug, json;
} out_state;

/* The program itself, for messages before a command is known. */
static const cli_command main_cmd = { "", "", "lithsm COMMAND [OPTION]...", "",
                                      NULL };

static void apply_output(void)
{
    cli_output o;

    o.verbosity = out_state.quiet ? -1 : out_state.verbose;
    if (out_state.debug && o.verbosity < 2)
        o.verbosity = 2;
    o.json = out_state.json;
    cli_output_set(&o);
}

/* "json" or "text" into *json; -1 for anything else. */
static int error_format(const char *v, int *json)
{
    if (strcmp(v, "json") == 0 || strcmp(v, "text") == 0) {
        *json = v[0] == 'j';
        return 0;
    }
    return -1;
}

static int global_option(const cli_command *cmd, void *ctx, int c,
                         const char *arg)
{
    (void)ctx;
    if (c == 'v')
        out_state.verbose++;
    else if (c == 'q')
        out_state.quiet = 1;
    else if (error_format(arg, &out_state.json) != 0)
        return cmd == &main_cmd
                   ? main_usage("option '--error-format': '%s' is not json "
                                "or text",
                                arg)
                   : cli_usage_error(cmd,
                                     "option '--error-format': '%s' is "
                                     "not json or text",
                                     arg);
    if (out_state.quiet && out_state.verbose > 0)
        return cmd == &main_cmd
                   ? main_usage("--quiet and --verbose exclude each other")
                   : cli_usage_error(cmd, "--quiet and --verbose exclude "
                                          "each other");
    apply_output();
    return 0;
}

/* LITHSM_DEBUG (0 or 1) and LITHSM_ERROR_FORMAT (json or text); then an
 * --error-format anywhere before "--", so that every error, even one
 * found before the option is read, has the format asked for. */
static int read_environment(int argc, char **argv)
{
    const char *debug = getenv("LITHSM_DEBUG");
    const char *format = getenv("LITHSM_ERROR_FORMAT");
    int i;

    if (format != NULL && format[0] != '\0' &&
        error_format(format, &out_state.json) != 0) {
        apply_output();
        cli_error_code(&main_cmd, "USAGE", "LITHSM_ERROR_FORMAT",
                       "LITHSM_ERROR_FORMAT must be json or text");
        return CLI_EXIT_USAGE;
    }
    for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (strncmp(argv[i], "--error-format=", 15) == 0)
            (void)error_format(argv[i] + 15, &out_state.json);
        else if (strcmp(argv[i], "--error-format") == 0 && i + 1 < argc)
            (void)error_format(argv[i + 1], &out_state.json);
    }
    apply_output();
    if (debug != NULL && debug[0] != '\0' && strcmp(debug, "0") != 0) {
        if (strcmp(debug, "1") != 0) {
            cli_error_code(&main_cmd, "USAGE", "LITHSM_DEBUG",
                           "LITHSM_DEBUG must be 0 or 1");
            return CLI_EXIT_USAGE;
        }
        out_state.debug = 1;
        apply_output();
    }
    return 0;
}

/* The global options before the command name; *first gets the index of
 * the first other word.  Returns 0 or CLI_EXIT_USAGE. */
static int leading_options(int argc, char **argv, int *first)
{
    int i, rc = 0;

    for (i = 1;
         rc == 0 && i < argc && cli_global_word(&main_cmd, argc, argv, &i, &rc);
         i++)
        ;
    *first = i;
    return rc;
}

static int main_usage(const char *fmt, ...)
{
    va_list ap;

    if (out_state.json) {
        char msg[512];

        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        cli_error_code(&main_cmd, "USAGE", NULL, "%s", msg);
        return CLI_EXIT_USAGE;
    }
    fputs("lithsm: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\nusage: lithsm COMMAND [OPTION]...\ncommands:\n", stderr);
    print_commands(stderr);
    fputs("Try 'lithsm --help' for more information.\n", stderr);
    return CLI_EXIT_USAGE;
}

/* 'lithsm help NAME' for a command whose page is its program's. */
static int run_help(const cli_command *cmd, char *name)
{
    static char help[] = "--help";
    char *argv[3];

    argv[0] = name;
    argv[1] = help;
    argv[2] = NULL;
    return cmd->run(cmd, 2, argv);
}

static const cli_command *find_command(const char *name)
{
    size_t i;

    for (i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i]->name, name) == 0)
            return commands[i];
    return NULL;
}

/* Runs a command of this program: lithsm.conf first (a bad file is an
 * error at every command), not for the programs beside it. */
static int run_command(const cli_command *cmd, int argc, char **argv)
{
    int status;

    if (cmd != &cmd_devnet && cmd != &cmd_serve &&
        (status = cli_conf_load(cmd)) != 0)
        return status;
    return cmd->run(cmd, argc, argv);
}

int main(int argc, char **argv)
{
    const cli_command *cmd;
    int status, first = 1;

    if ((status = read_environment(argc, argv)) != 0)
        return status;
    cli_set_global_options(global_longopts, "vq", global_option);
    if ((status = leading_options(argc, argv, &first)) != 0)
        return status;
    argc -= first - 1;
    argv += first - 1;
    if (argc < 2)
        return main_usage("no command given");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        if (strcmp(argv[1], "help") == 0 && argc > 2) {
            cmd = find_command(argv[2]);
            if (cmd == NULL)
                return main_usage("unknown command '%s'", argv[2]);
            status = cmd->help != NULL ? cli_print_help(cmd)
                                       : run_help(cmd, argv[2]);
        } else {
            print_main_help();
            status = CLI_EXIT_OK;
        }
    } else if (strcmp(argv[1], "--version") == 0 ||
               strcmp(argv[1], "-V") == 0) {
        printf("lithsm %s\n", lithsm_version());
        status = CLI_EXIT_OK;
    } else if (argv[1][0] == '-') {
        return main_usage("unknown option '%s'", argv[1]);
    } else {
        cmd = find_command(argv[1]);
        if (cmd == NULL)
            return main_usage("unknown command '%s'", argv[1]);
        status = run_command(cmd, argc - 1, argv + 1);
    }
    cli_conf_free();
    return cli_exit_status("lithsm", status);
}
