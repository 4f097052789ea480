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
    &cmd_audit,        &cmd_serve,
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

static int main_usage(const char *fmt, ...)
{
    va_list ap;

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

int main(int argc, char **argv)
{
    const cli_command *cmd;
    int status;

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
        status = cmd->run(cmd, argc - 1, argv + 1);
    }

    return cli_exit_status("lithsm", status);
}
