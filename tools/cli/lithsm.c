/*
 * lithsm.c - the lithsm command: subcommand dispatch, --help, --version.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "cli.h"
#include "../devnet/devnet.h"

/* tools/cmd_handshake.c */
extern const cli_command cmd_handshake;

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

static const cli_command *const commands[] = {
    &cmd_keygen,       &cmd_address, &cmd_sign_message, &cmd_delegate,
    &cmd_session_sigs, &cmd_verify,  &cmd_devnet,       &cmd_handshake,
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static const char help_head[] =
    "NAME\n"
    "    lithsm - Lit Protocol session signatures with Ethereum keys\n"
    "\n"
    "SYNOPSIS\n"
    "    lithsm COMMAND [OPTION]...\n"
    "    lithsm COMMAND --help\n"
    "    lithsm --help | --version\n"
    "\n"
    "DESCRIPTION\n"
    "    lithsm builds Lit Protocol AuthSigs and SessionSigs byte for byte\n"
    "    like the Lit JS SDK v7.4.0, signing with a secp256k1 key in a PEM\n"
    "    file, and checks a SessionSig the way a Lit node does.  Results go\n"
    "    to standard output as JSON, errors to standard error.\n"
    "\n"
    "    Private keys and seeds are only ever read from files, never from\n"
    "    the command line.  A file name '-' means standard input.  Where a\n"
    "    key file is taken, a pkcs11: URI names a key inside a PKCS#11\n"
    "    token instead (see 'lithsm keygen --help').\n"
    "\n"
    "COMMANDS\n";

static const char help_tail[] =
    "\n"
    "OPTIONS\n"
    "    -h, --help     Show this page; 'lithsm COMMAND --help' shows the\n"
    "                   page of a command.\n"
    "    --version      Print the version.\n"
    "\n"
    "EXIT STATUS\n"
    "    0 on success, 1 when the operation fails, 2 on a usage error.\n"
    "    verify: 0 accept, 1 reject, 2 unusable input.\n"
    "\n"
    "EXAMPLES\n"
    "    Make a secp256k1 key and print its Ethereum address:\n"
    "\n"
    "        openssl ecparam -name secp256k1 -genkey -noout -out wallet.pem\n"
    "        lithsm address --key wallet.pem\n";

static void print_commands(FILE *out)
{
    size_t i;

    for (i = 0; i < N_COMMANDS; i++)
        fprintf(out, "    %-14s %s\n", commands[i]->name, commands[i]->summary);
}

static void print_main_help(void)
{
    /* The command list comes from the table, so it cannot go stale. */
    fputs(help_head, stdout);
    print_commands(stdout);
    fputs(help_tail, stdout);
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
            status = cli_print_help(cmd);
        } else {
            print_main_help();
            status = CLI_EXIT_OK;
        }
    } else if (strcmp(argv[1], "--version") == 0 ||
               strcmp(argv[1], "-V") == 0) {
        printf("lithsm %s\n", PACKAGE_VERSION);
        status = CLI_EXIT_OK;
    } else if (argv[1][0] == '-') {
        return main_usage("unknown option '%s'", argv[1]);
    } else {
        cmd = find_command(argv[1]);
        if (cmd == NULL)
            return main_usage("unknown command '%s'", argv[1]);
        status = cmd->run(cmd, argc - 1, argv + 1);
    }

    /* A full disk or a closed pipe must not look like success. */
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "lithsm: cannot write the output: %s\n",
                strerror(errno));
        if (status == CLI_EXIT_OK)
            status = CLI_EXIT_FAIL;
    }
    return status;
}
