/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * cli_net.c - the network options of session-sigs and verify, and the
 * connection they describe (the same rules as 'lithsm handshake').
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli_conf.h"
#include "cli_net.h"

/* Bounds of the numeric options (the library checks them too). */
#define TIMEOUT_MS_MAX 600000u
#define RETRIES_MAX 10u
#define MIN_NODES_MAX 1024u

int cli_net_is_option(int c)
{
    return c >= CLI_NET_NETWORK && c <= CLI_NET_PROXY;
}

int cli_net_set(const cli_command *cmd, cli_net_opts *o, int c, const char *arg)
{
    switch (c) {
    case CLI_NET_NETWORK:
        return cli_set_once(cmd, &o->network, "--network", arg);
    case CLI_NET_RPC:
        return cli_set_once(cmd, &o->rpc, "--rpc", arg);
    case CLI_NET_STAKING:
        return cli_set_once(cmd, &o->staking, "--staking", arg);
    case CLI_NET_MIN_NODES:
        return cli_set_once(cmd, &o->min_nodes, "--min-nodes", arg);
    case CLI_NET_CA_FILE:
        return cli_set_once(cmd, &o->ca_file, "--ca-file", arg);
    case CLI_NET_INSECURE:
        o->insecure = 1;
        return 0;
    case CLI_NET_TIMEOUT_MS:
        return cli_set_once(cmd, &o->timeout_ms, "--timeout-ms", arg);
    case CLI_NET_RETRIES:
        return cli_set_once(cmd, &o->retries, "--retries", arg);
    case CLI_NET_PROXY:
        return cli_set_once(cmd, &o->proxy, "--proxy", arg);
    default:
        return CLI_EXIT_USAGE;
    }
}

int cli_net_has_network(const cli_net_opts *o)
{
    return o->network != NULL || o->rpc != NULL || o->staking != NULL;
}

int cli_net_any(const cli_net_opts *o)
{
    return cli_net_has_network(o) || o->ca_file != NULL ||
           o->min_nodes != NULL || o->insecure || o->timeout_ms != NULL ||
           o->retries != NULL || o->proxy != NULL;
}

void cli_net_conf(const cli_command *cmd, cli_net_opts *o, size_t n_nodes)
{
    const char *v, *src;

    if (!cli_net_has_network(o) && n_nodes == 0 &&
        (v = cli_conf_get(CLI_CONF_NETWORK, &src)) != NULL) {
        o->network = v;
        cli_note(cmd, 1, "network %s (from %s)", v, src);
    }
    if (o->ca_file == NULL && !o->insecure &&
        (v = cli_conf_get(CLI_CONF_CA_FILE, &src)) != NULL) {
        o->ca_file = v;
        cli_note(cmd, 1, "CA file %s (from %s)", v, src);
    }
    if (o->timeout_ms == NULL &&
        (v = cli_conf_get(CLI_CONF_TIMEOUT, &src)) != NULL) {
        o->timeout_ms = v;
        cli_note(cmd, 1, "timeout %s ms (from %s)", v, src);
    }
    if (o->retries == NULL &&
        (v = cli_conf_get(CLI_CONF_RETRIES, &src)) != NULL) {
        o->retries = v;
        cli_note(cmd, 1, "retries %s (from %s)", v, src);
    }
    if (o->proxy == NULL && (v = cli_conf_get(CLI_CONF_PROXY, &src)) != NULL) {
        o->proxy = v;
        cli_note(cmd, 1, "proxy %s (from %s)", v, src);
    }
}

/* A bounded decimal option into *out; 0 or CLI_EXIT_USAGE. */
static int parse_bounded(const cli_command *cmd, const char *name,
                         const char *text, uint64_t lo, uint64_t hi,
                         uint64_t *out)
{
    if (cli_parse_u64(cmd, name, text, out) != 0)
        return CLI_EXIT_USAGE;
    if (*out < lo || *out > hi)
        return cli_usage_error(cmd, "option '%s': %s is not in %llu..%llu",
                               name, text, (unsigned long long)lo,
                               (unsigned long long)hi);
    return 0;
}

int cli_net_params(const cli_command *cmd, const cli_net_opts *given,
                   const char *const *nodes, size_t n_nodes,
                   lithsm_client_params *p)
{
    cli_net_opts eff = *given, *o = &eff;
    uint64_t v;
    int modes;

    cli_net_conf(cmd, o, n_nodes);
    modes = (o->network != NULL) + (o->rpc != NULL || o->staking != NULL) +
            (n_nodes > 0);

    if (modes == 0)
        return cli_usage_error(cmd, "give --network, --rpc with --staking, "
                                    "or --node");
    if (modes > 1)
        return cli_usage_error(cmd, "--network, --rpc/--staking and --node "
                                    "exclude each other");
    if ((o->rpc != NULL) != (o->staking != NULL))
        return cli_missing(cmd, o->rpc != NULL ? "--staking" : "--rpc");
    if (o->insecure && o->ca_file != NULL)
        return cli_usage_error(cmd, "--insecure and --ca-file exclude each "
                                    "other");
    memset(p, 0, sizeof(*p));
    p->network = o->network;
    p->rpc_url = o->rpc;
    p->staking = o->staking;
    p->node_urls = n_nodes > 0 ? nodes : NULL;
    p->n_nodes = n_nodes;
    p->ca_file = o->ca_file;
    p->insecure_tls = o->insecure;
    p->retries = -1;
    p->proxy = o->proxy;
    if (o->min_nodes != NULL) {
        if (parse_bounded(cmd, "--min-nodes", o->min_nodes, 1, MIN_NODES_MAX,
                          &v) != 0)
            return CLI_EXIT_USAGE;
        if (n_nodes > 0 && v > n_nodes)
            return cli_usage_error(cmd,
                                   "--min-nodes %s is more than the %zu "
                                   "nodes given",
                                   o->min_nodes, n_nodes);
        p->min_nodes = (size_t)v;
    }
    if (o->timeout_ms != NULL) {
        if (parse_bounded(cmd, "--timeout-ms", o->timeout_ms, 1, TIMEOUT_MS_MAX,
                          &v) != 0)
            return CLI_EXIT_USAGE;
        p->timeout_ms = (long)v;
    }
    if (o->retries != NULL) {
        if (parse_bounded(cmd, "--retries", o->retries, 0, RETRIES_MAX, &v) !=
            0)
            return CLI_EXIT_USAGE;
        p->retries = (int)v;
    }
    return 0;
}

/* One warning line per node the handshake report marks as failed. */
static void warn_failed(const cli_command *cmd, const lithsm_client *client)
{
    char *report = NULL;
    json_object *doc = NULL, *nodes, *node, *v;
    const char *url, *why;
    size_t i;

    if (lithsm_client_report_json(&report, client) != LITHSM_OK)
        return;
    doc = json_tokener_parse(report);
    if (doc != NULL && json_object_object_get_ex(doc, "nodes", &nodes) &&
        json_object_is_type(nodes, json_type_array)) {
        for (i = 0; i < json_object_array_length(nodes); i++) {
            node = json_object_array_get_idx(nodes, i);
            if (!json_object_object_get_ex(node, "ok", &v) ||
                json_object_get_boolean(v))
                continue;
            url = json_object_object_get_ex(node, "url", &v)
                      ? json_object_get_string(v)
                      : "?";
            why = json_object_object_get_ex(node, "error", &v) &&
                          json_object_is_type(v, json_type_string)
                      ? json_object_get_string(v)
                      : "no answer";
            cli_warn(cmd, "node %s failed: %s", url, why);
        }
    }
    json_object_put(doc);
    lithsm_free(report);
}

int cli_net_open(const cli_command *cmd, const lithsm_client_params *p,
                 lithsm_client **out)
{
    lithsm_err err;
    int64_t t0 = cli_now_ms();

    *out = NULL;
    err = lithsm_client_connect(out, p);
    cli_note(cmd, 2, "connecting took %lld ms", (long long)(cli_now_ms() - t0));
    if (err != LITHSM_OK) {
        cli_lib_error(cmd, err, "cannot connect");
        return cli_exit_for(err);
    }
    warn_failed(cmd, *out);
    return 0;
}

int cli_net_connect(const cli_command *cmd, const cli_net_opts *o,
                    const char *const *nodes, size_t n_nodes,
                    lithsm_client **out)
{
    lithsm_client_params p;
    int rc;

    *out = NULL;
    if ((rc = cli_net_params(cmd, o, nodes, n_nodes, &p)) != 0)
        return rc;
    return cli_net_open(cmd, &p, out);
}
