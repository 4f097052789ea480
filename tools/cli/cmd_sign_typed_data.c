/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * cmd_sign_typed_data.c - lithsm sign-typed-data: EIP-712 typed data
 * (eth_signTypedData_v4), signed by a key file or a token key; or, with
 * --digest-only, its hashes without a key.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct typed_opts {
    const char *key, *data;
    int digest_only;
} typed_opts;

#define OPT_DIGEST_ONLY 0x2101

static int typed_option(const cli_command *cmd, void *opts, int c,
                        const char *arg)
{
    typed_opts *o = opts;

    if (c == 'k')
        return cli_set_once(cmd, &o->key, "--key", arg);
    if (c == 'd')
        return cli_set_once(cmd, &o->data, "--data", arg);
    if (c == OPT_DIGEST_ONLY)
        o->digest_only = 1;
    return 0;
}

static int typed_check(const cli_command *cmd, void *opts)
{
    const typed_opts *o = opts;

    if (o->data == NULL)
        return cli_missing(cmd, "--data");
    if (o->digest_only && o->key != NULL)
        return cli_usage_error(cmd, "--digest-only signs nothing: give "
                                    "--key or --digest-only, not both");
    if (!o->digest_only && o->key == NULL)
        return cli_missing(cmd, "--key");
    return 0;
}

static void hex32(char out[67], const uint8_t h[32])
{
    out[0] = '0';
    out[1] = 'x';
    if (lithsm_hex_encode(out + 2, 65, h, 32) != LITHSM_OK)
        out[2] = '\0'; /* cannot happen: the sizes are fixed */
}

/* {"digest","domainSeparator","structHash","typeHash","encodedType"}. */
static int print_hashes(const cli_command *cmd, const lithsm_typed_data *td)
{
    char digest[67], domain[67], str[67], type[67], *encoded = NULL;
    uint8_t h[32];
    lithsm_err err;
    int rc;

    lithsm_typed_data_digest(h, td);
    hex32(digest, h);
    lithsm_typed_data_domain_separator(h, td);
    hex32(domain, h);
    lithsm_typed_data_struct_hash(h, td);
    hex32(str, h);
    lithsm_typed_data_type_hash(h, td);
    hex32(type, h);
    if ((err = lithsm_typed_data_encode_type(&encoded, td)) != LITHSM_OK) {
        cli_lib_error(cmd, err, "cannot encode the type");
        return CLI_EXIT_FAIL;
    }
    rc = cli_print_fields(cmd, "digest", digest, "domainSeparator", domain,
                          "structHash", str, "typeHash", type, "encodedType",
                          encoded, (const char *)NULL);
    lithsm_free(encoded);
    return rc;
}

/* {"digest","signature","address"}. */
static int sign_and_print(const cli_command *cmd, const char *key,
                          const lithsm_typed_data *td)
{
    lithsm_signer *signer = NULL;
    lithsm_eth_sig sig;
    lithsm_eth_address addr;
    uint8_t digest[32];
    char hex[2 + 2 * LITHSM_ETH_SIG_LEN + 1] = "0x", dhex[67];
    char text[LITHSM_ETH_ADDRESS_TEXT_LEN + 1];
    lithsm_err err;
    int rc;

    if ((rc = cli_open_signer(cmd, "key", key, &signer)) != 0)
        return rc;
    err = lithsm_typed_data_sign(&sig, digest, signer, td);
    lithsm_signer_address(&addr, signer);
    lithsm_signer_free(signer);
    if (err != LITHSM_OK) {
        cli_lib_error(cmd, err, "cannot sign with the key");
        return cli_exit_for(err);
    }
    if (lithsm_hex_encode(hex + 2, sizeof(hex) - 2, sig.bytes,
                          sizeof(sig.bytes)) != LITHSM_OK)
        hex[2] = '\0'; /* cannot happen: the sizes are fixed */
    hex32(dhex, digest);
    lithsm_eth_address_to_text(text, &addr);
    return cli_print_fields(cmd, "digest", dhex, "signature", hex, "address",
                            text, (const char *)NULL);
}

static int typed_exec(const cli_command *cmd, void *opts)
{
    const typed_opts *o = opts;
    lithsm_typed_data *td = NULL;
    char *text = NULL;
    size_t len = 0;
    lithsm_err err;
    int rc;

    if ((rc = cli_read_file(cmd, "typed-data file", o->data, &text, &len)) != 0)
        return rc;
    err = lithsm_typed_data_parse(&td, text, len);
    free(text);
    if (err != LITHSM_OK) {
        cli_lib_error(cmd, err, "refusing the typed data in '%s'", o->data);
        return CLI_EXIT_FAIL;
    }
    rc = o->digest_only ? print_hashes(cmd, td)
                        : sign_and_print(cmd, o->key, td);
    lithsm_typed_data_free(td);
    return rc;
}

static const struct option typed_longopts[] = {
    { "key", required_argument, NULL, 'k' },
    { "data", required_argument, NULL, 'd' },
    { "digest-only", no_argument, NULL, OPT_DIGEST_ONLY },
    CLI_TOKEN_OPTIONS,
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
};

static const cli_steps typed_steps = {
    typed_longopts, sizeof(typed_opts), typed_option,
    typed_check,    typed_exec,         NULL,
};

static int typed_main(const cli_command *cmd, int argc, char **argv)
{
    return cli_run(cmd, &typed_steps, argc, argv);
}

const cli_command cmd_sign_typed_data = {
    "sign-typed-data",
    "sign EIP-712 typed data (eth_signTypedData_v4)",
    "lithsm sign-typed-data --key FILE|URI --data FILE\n"
    "              [--pin-source SRC] [--module PATH]\n"
    "       lithsm sign-typed-data --digest-only --data FILE",
    cli_help_sign_typed_data,
    typed_main,
};
