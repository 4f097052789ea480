/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * cli_send_tx.c - the --send step of 'lithsm sign-tx' (cli_send_tx.h)
 * over lithsm_rpc_send_tx().
 */
#include <stdlib.h>
#include <string.h>

#include "cli_send_tx.h"

/* The longest receipt wait and request timeout the options take. */
#define RECEIPT_S_MAX 3600u
#define REQUEST_MS_MAX 600000u
#define RECEIPT_S_DEFAULT 120u

int cli_send_is_option(int c)
{
    return c == CLI_SEND_SEND || c == CLI_SEND_MAX_FEE ||
           c == CLI_SEND_TIMEOUT || c == CLI_NET_RPC || c == CLI_NET_CA_FILE ||
           c == CLI_NET_INSECURE || c == CLI_NET_TIMEOUT_MS ||
           c == CLI_NET_PROXY;
}

int cli_send_set(const cli_command *cmd, cli_send_opts *o, int c,
                 const char *arg)
{
    switch (c) {
    case CLI_SEND_SEND:
        o->send = 1;
        return 0;
    case CLI_SEND_MAX_FEE:
        return cli_set_once(cmd, &o->max_fee, "--max-fee", arg);
    case CLI_SEND_TIMEOUT:
        return cli_set_once(cmd, &o->timeout, "--timeout", arg);
    default:
        return cli_net_set(cmd, &o->net, c, arg);
    }
}

/* A decimal option within 1..hi. */
static int bounded(const cli_command *cmd, const char *name, const char *text,
                   uint64_t hi, uint64_t *out)
{
    if (cli_parse_u64(cmd, name, text, out) != 0)
        return CLI_EXIT_USAGE;
    if (*out < 1 || *out > hi)
        return cli_usage_error(cmd, "option '%s': %s is not 1 to %llu", name,
                               text, (unsigned long long)hi);
    return 0;
}

int cli_send_check(const cli_command *cmd, cli_send_opts *o)
{
    uint64_t v = RECEIPT_S_DEFAULT;
    int i;

    if (!o->send) {
        if (o->max_fee != NULL || o->timeout != NULL || cli_net_any(&o->net))
            return cli_usage_error(cmd, "--rpc, --max-fee, --timeout and the "
                                        "TLS options need --send");
        return 0;
    }
    if (o->net.rpc == NULL)
        return cli_missing(cmd, "--rpc");
    cli_net_conf(cmd, &o->net, 0); /* --rpc given: no network from it */
    if (o->net.insecure && o->net.ca_file != NULL)
        return cli_usage_error(cmd, "--insecure and --ca-file exclude each "
                                    "other");
    if (o->timeout != NULL &&
        bounded(cmd, "--timeout", o->timeout, RECEIPT_S_MAX, &v) != 0)
        return CLI_EXIT_USAGE;
    o->receipt_ms = (long)v * 1000;
    o->request_ms = 0;
    if (o->net.timeout_ms != NULL) {
        if (bounded(cmd, "--timeout-ms", o->net.timeout_ms, REQUEST_MS_MAX,
                    &v) != 0)
            return CLI_EXIT_USAGE;
        o->request_ms = (long)v;
    }
    if (o->max_fee != NULL) {
        /* wei per gas: 2^64 - 1 is 18 ether per gas, far past any cap. */
        if (cli_parse_u64(cmd, "--max-fee", o->max_fee, &v) != 0)
            return CLI_EXIT_USAGE;
        memset(o->cap, 0, sizeof(o->cap));
        for (i = 0; i < 8; i++)
            o->cap[31 - i] = (uint8_t)(v >> (8 * i));
        o->has_cap = 1;
    }
    return 0;
}

/* {"raw","hash","from","receipt"} on one line. */
static int print_sent(const cli_command *cmd, const lithsm_rpc_sent *s)
{
    json_object *obj = json_object_new_object(), *receipt = NULL;
    int rc;

    if (obj == NULL || cli_json_add_str(obj, "raw", s->raw) != 0 ||
        cli_json_add_str(obj, "hash", s->hash) != 0 ||
        cli_json_add_str(obj, "from", s->from) != 0 ||
        cli_parse_json(cmd, "receipt", s->receipt, strlen(s->receipt),
                       &receipt) != 0 ||
        json_object_object_add(obj, "receipt", receipt) != 0) {
        json_object_put(receipt);
        json_object_put(obj);
        cli_error(cmd, "cannot write the result");
        return CLI_EXIT_FAIL;
    }
    rc = cli_print_json(cmd, obj);
    json_object_put(obj);
    return rc;
}

int cli_send_run(const cli_command *cmd, const cli_send_opts *o,
                 const char *key, lithsm_tx *tx, lithsm_signer *signer)
{
    lithsm_rpc_opts ro;
    lithsm_rpc_send_opts so;
    lithsm_rpc_sent sent;
    lithsm_rpc *rpc = NULL;
    lithsm_err err;
    int64_t t0;
    int rc;

    memset(&ro, 0, sizeof(ro));
    ro.ca_file = o->net.ca_file;
    ro.insecure_tls = o->net.insecure;
    ro.timeout_ms = o->request_ms;
    ro.proxy = o->net.proxy;
    memset(&so, 0, sizeof(so));
    so.max_fee_per_gas = o->has_cap ? o->cap : NULL;
    so.receipt_timeout_ms = o->receipt_ms;
    t0 = cli_now_ms();
    err = lithsm_rpc_open(&rpc, o->net.rpc, &ro);
    if (err == LITHSM_OK)
        err = lithsm_rpc_send_tx(&sent, rpc, tx, signer, &so);
    lithsm_rpc_free(rpc);
    cli_note(cmd, 2, "sending and waiting for the receipt took %lld ms",
             (long long)(cli_now_ms() - t0));
    if (err != LITHSM_OK) {
        char shown[256];

        cli_redact_uri(shown, sizeof(shown), key);
        cli_lib_error(cmd, err, "cannot send the transaction signed with '%s'",
                      shown);
        return cli_exit_for(err);
    }
    rc = print_sent(cmd, &sent);
    if (rc == 0 && sent.status != 1) {
        cli_error(cmd, "the transaction %s reverted (receipt status 0x0)",
                  sent.hash);
        rc = CLI_EXIT_FAIL;
    }
    lithsm_rpc_sent_clear(&sent);
    return rc;
}
