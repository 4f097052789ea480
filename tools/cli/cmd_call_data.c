/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * cmd_call_data.c - lithsm call-data: the ABI calldata of a contract call.
 *
 * Options come before the signature; every word after it is an argument,
 * even one that starts with '-' (a negative number, a string), so this
 * command reads its own command line instead of cli_run()'s getopt.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct call_opts {
    const char *args_json; /* --args-json FILE|- */
    const char *signature;
    char **words;
    size_t n_words;
} call_opts;

#define ARGS_JSON "--args-json"

/* The options before the signature.  Returns 0, CLI_EXIT_USAGE, or -1
 * after --help (printed). */
static int read_command_line(const cli_command *cmd, call_opts *o, int argc,
                             char **argv)
{
    int i = 1, rc;

    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        size_t n = strlen(ARGS_JSON);

        if (cli_global_word(cmd, argc, argv, &i, &rc)) {
            if (rc != 0)
                return rc;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            cli_print_help(cmd);
            return -1;
        }
        if (strncmp(a, ARGS_JSON, n) != 0 || (a[n] != '\0' && a[n] != '='))
            return cli_usage_error(cmd, "unknown option '%s'", a);
        if (a[n] == '\0' && ++i >= argc)
            return cli_usage_error(cmd, "option '%s' needs a value", ARGS_JSON);
        if (cli_set_once(cmd, &o->args_json, ARGS_JSON,
                         a[n] == '=' ? a + n + 1 : argv[i]) != 0)
            return CLI_EXIT_USAGE;
    }
    if (i >= argc)
        return cli_usage_error(cmd, "no function signature given");
    o->signature = argv[i++];
    o->words = argv + i;
    o->n_words = (size_t)(argc - i);
    if (o->args_json != NULL && o->n_words > 0)
        return cli_usage_error(cmd, "give the arguments as words or with "
                                    "--args-json, not both");
    return 0;
}

/* Prints {"signature","selector","calldata"}. */
static int print_call(const cli_command *cmd, const lithsm_abi_function *f,
                      const uint8_t *data, size_t len)
{
    uint8_t selector[LITHSM_ABI_SELECTOR_LEN];
    char *sel_hex, *data_hex;
    int rc = CLI_EXIT_FAIL;

    lithsm_abi_function_selector(selector, f);
    sel_hex = cli_hex_of(cmd, selector, sizeof(selector));
    data_hex = cli_hex_of(cmd, data, len);
    if (sel_hex != NULL && data_hex != NULL)
        rc = cli_print_fields(
            cmd, "signature", lithsm_abi_function_canonical(f), "selector",
            sel_hex, "calldata", data_hex, (const char *)NULL);
    free(sel_hex);
    free(data_hex);
    return rc;
}

static int encode_and_print(const cli_command *cmd, const call_opts *o,
                            const lithsm_abi_function *f)
{
    uint8_t *data = NULL;
    size_t len = 0;
    char *text = NULL;
    size_t text_len = 0;
    lithsm_err err;
    int rc;

    if (o->args_json != NULL) {
        rc = cli_read_file(cmd, "arguments file", o->args_json, &text,
                           &text_len);
        if (rc != 0)
            return rc;
        err = lithsm_abi_encode_json(&data, &len, f, text, text_len);
        free(text);
    } else {
        err = lithsm_abi_encode_words(
            &data, &len, f, (const char *const *)o->words, o->n_words);
    }
    if (err != LITHSM_OK) {
        cli_lib_error(cmd, err, "cannot encode the call to %s",
                      lithsm_abi_function_canonical(f));
        return CLI_EXIT_FAIL;
    }
    rc = print_call(cmd, f, data, len);
    lithsm_free(data);
    return rc;
}

static int call_data_main(const cli_command *cmd, int argc, char **argv)
{
    call_opts o;
    lithsm_abi_function *f = NULL;
    lithsm_err err;
    int rc;

    memset(&o, 0, sizeof(o));
    rc = read_command_line(cmd, &o, argc, argv);
    if (rc != 0)
        return rc < 0 ? CLI_EXIT_OK : rc;
    err = lithsm_abi_function_parse(&f, o.signature);
    if (err != LITHSM_OK) {
        cli_lib_error(cmd, err, "cannot read the function signature");
        return CLI_EXIT_FAIL;
    }
    rc = encode_and_print(cmd, &o, f);
    lithsm_abi_function_free(f);
    return rc;
}

const cli_command cmd_call_data = {
    "call-data",
    "ABI-encode a contract call (selector and calldata)",
    "lithsm call-data [--args-json FILE|-] [--] 'name(type,...)' [ARG]...",
    cli_help_call_data,
    call_data_main,
};
