/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * cmd_devnet.c - the lithsm-devnet program ('lithsm devnet' runs it): a
 * local network of Lit-compatible node endpoints for tests.  This file is
 * its command line; the server is in devnet.c and the files server.h
 * names.
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "lithsm.h"

#include "common/command.h"
#include "devnet.h"

/* cli_help_devnet, made from doc/cli/lithsm-devnet.txt at build time. */
#include "devnet_help.inc"

static int devnet_run(const cli_command *cmd, int argc, char **argv);

static const cli_command cmd_devnet = {
    "devnet",
    "run a local network of Lit-compatible test nodes",
    "lithsm devnet [--nodes N] [--host IP] [--https [--cert-dir DIR]]\n"
    "                     [--fault I:KIND]... [--epoch N] [--min-nodes M]\n"
    "                     [--blockhash HASH] [--chain-id N]",
    cli_help_devnet,
    devnet_run,
};

static const char fault_kinds[] =
    "KIND is down, slow=MS, blockhash, garbage or close";

/* Parses "I:KIND" into faults[I] (n entries). */
static int parse_fault(const cli_command *cmd, const char *spec,
                       devnet_fault *faults, size_t n)
{
    const char *colon = strchr(spec, ':'), *kind;
    char *end;
    unsigned long idx, ms;

    if (colon == NULL || colon == spec || spec[0] < '0' || spec[0] > '9')
        goto bad;
    idx = strtoul(spec, &end, 10);
    if (end != colon)
        goto bad;
    if (idx >= n)
        return cli_usage_error(
            cmd, "option '--fault': there is no node %lu (0 to %zu)", idx,
            n - 1);
    kind = colon + 1;
    if (strcmp(kind, "down") == 0) {
        faults[idx].flags |= DEVNET_FAULT_DOWN;
    } else if (strcmp(kind, "blockhash") == 0) {
        faults[idx].flags |= DEVNET_FAULT_BLOCKHASH;
    } else if (strcmp(kind, "garbage") == 0) {
        faults[idx].flags |= DEVNET_FAULT_GARBAGE;
    } else if (strcmp(kind, "close") == 0) {
        faults[idx].flags |= DEVNET_FAULT_CLOSE;
    } else if (strncmp(kind, "slow=", 5) == 0) {
        if (kind[5] < '0' || kind[5] > '9')
            goto bad;
        ms = strtoul(kind + 5, &end, 10);
        if (*end != '\0' || ms > DEVNET_MAX_SLOW_MS)
            return cli_usage_error(cmd, "option '--fault': '%s': MS is 0 to %u",
                                   spec, DEVNET_MAX_SLOW_MS);
        faults[idx].flags |= DEVNET_FAULT_SLOW;
        faults[idx].slow_ms = (unsigned)ms;
    } else {
        goto bad;
    }
    return 0;
bad:
    return cli_usage_error(cmd, "option '--fault': '%s' is not I:KIND; %s",
                           spec, fault_kinds);
}

static int check_blockhash(const cli_command *cmd, const char *hash)
{
    size_t i;

    if (strlen(hash) != 66 || hash[0] != '0' || hash[1] != 'x')
        goto bad;
    for (i = 2; i < 66; i++)
        if (strchr("0123456789abcdefABCDEF", hash[i]) == NULL)
            goto bad;
    return 0;
bad:
    return cli_usage_error(
        cmd, "option '--blockhash': '%s' is not 0x + 64 hex digits", hash);
}

static int random_blockhash(const cli_command *cmd, char out[67])
{
    uint8_t b[32];

    if (RAND_bytes(b, sizeof(b)) != 1 ||
        lithsm_hex_encode(out + 2, 65, b, sizeof(b)) != LITHSM_OK) {
        cli_error(cmd, "the random generator failed");
        return CLI_EXIT_FAIL;
    }
    out[0] = '0';
    out[1] = 'x';
    return 0;
}

/* Serves until SIGTERM, SIGINT or SIGHUP; the signals stay blocked in
 * every thread, and this one takes them with sigwait(). */
static int serve(const cli_command *cmd, const devnet_config *cfg,
                 const sigset_t *stop)
{
    devnet *net = NULL;
    char err[256], *line;
    int sig, rc;

    if (devnet_start(&net, cfg, err, sizeof(err)) != 0) {
        cli_error(cmd, "cannot start the devnet: %s", err);
        return CLI_EXIT_FAIL;
    }
    line = devnet_start_line(net);
    if (line == NULL) {
        cli_error(cmd, "out of memory");
        devnet_stop(net);
        return CLI_EXIT_FAIL;
    }
    rc = printf("%s\n", line) < 0 || fflush(stdout) != 0;
    free(line);
    if (rc) {
        cli_error(cmd, "cannot write the start line");
        devnet_stop(net);
        return CLI_EXIT_FAIL;
    }
    do {
        rc = sigwait(stop, &sig);
    } while (rc != 0);
    devnet_stop(net);
    return CLI_EXIT_OK;
}

/* The options as given, before their values are checked. */
struct devnet_args {
    const char *nodes, *host, *cert_dir, *epoch, *min_nodes, *blockhash;
    const char *chain_id;
    const char **faults; /* the --fault specs, in order */
    size_t n_faults;
    int https;
    int help;
};

enum {
    OPT_NODES = 256,
    OPT_HOST,
    OPT_HTTPS,
    OPT_CERT_DIR,
    OPT_FAULT,
    OPT_EPOCH,
    OPT_MIN_NODES,
    OPT_BLOCKHASH,
    OPT_CHAIN_ID
};

static const struct option devnet_longopts[] = {
    { "nodes", required_argument, NULL, OPT_NODES },
    { "host", required_argument, NULL, OPT_HOST },
    { "https", no_argument, NULL, OPT_HTTPS },
    { "cert-dir", required_argument, NULL, OPT_CERT_DIR },
    { "fault", required_argument, NULL, OPT_FAULT },
    { "epoch", required_argument, NULL, OPT_EPOCH },
    { "min-nodes", required_argument, NULL, OPT_MIN_NODES },
    { "blockhash", required_argument, NULL, OPT_BLOCKHASH },
    { "chain-id", required_argument, NULL, OPT_CHAIN_ID },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
};

/* Stores option `c` into the devnet_args `ctx`.  Returns 0 or an exit
 * status. */
static int devnet_option(const cli_command *cmd, void *ctx, int c,
                         const char *arg)
{
    struct devnet_args *a = ctx;

    switch (c) {
    case OPT_NODES:
        return cli_set_once(cmd, &a->nodes, "--nodes", arg);
    case OPT_HOST:
        return cli_set_once(cmd, &a->host, "--host", arg);
    case OPT_HTTPS:
        if (a->https)
            return cli_usage_error(cmd, "option '--https' is given more "
                                        "than once");
        a->https = 1;
        return 0;
    case OPT_CERT_DIR:
        return cli_set_once(cmd, &a->cert_dir, "--cert-dir", arg);
    case OPT_FAULT:
        return cli_push(cmd, &a->faults, &a->n_faults, arg);
    case OPT_EPOCH:
        return cli_set_once(cmd, &a->epoch, "--epoch", arg);
    case OPT_MIN_NODES:
        return cli_set_once(cmd, &a->min_nodes, "--min-nodes", arg);
    case OPT_BLOCKHASH:
        return cli_set_once(cmd, &a->blockhash, "--blockhash", arg);
    case OPT_CHAIN_ID:
        return cli_set_once(cmd, &a->chain_id, "--chain-id", arg);
    default:
        return CLI_EXIT_USAGE;
    }
}

/* --nodes, --min-nodes, --epoch and --chain-id into cfg.  Returns 0 or an exit
 * status. */
static int check_counts(const cli_command *cmd, const struct devnet_args *a,
                        devnet_config *cfg)
{
    uint64_t n_nodes = 3, epoch = 3, min_nodes;
    int rc;

    if (a->nodes != NULL &&
        (rc = cli_parse_u64(cmd, "--nodes", a->nodes, &n_nodes)) != 0)
        return rc;
    if (n_nodes < 1 || n_nodes > DEVNET_MAX_NODES)
        return cli_usage_error(cmd, "option '--nodes': %s is not 1 to %d",
                               a->nodes, DEVNET_MAX_NODES);
    /* The SDK's default threshold: two thirds, rounded up. */
    min_nodes = (2 * n_nodes + 2) / 3;
    if (a->min_nodes != NULL) {
        if ((rc = cli_parse_u64(cmd, "--min-nodes", a->min_nodes,
                                &min_nodes)) != 0)
            return rc;
        if (min_nodes < 1 || min_nodes > n_nodes)
            return cli_usage_error(cmd,
                                   "option '--min-nodes': %s is not 1 to %lu",
                                   a->min_nodes, (unsigned long)n_nodes);
    }
    if (a->epoch != NULL) {
        if ((rc = cli_parse_u64(cmd, "--epoch", a->epoch, &epoch)) != 0)
            return rc;
        /* Beyond 2^53 JSON numbers lose precision in JavaScript. */
        if (epoch > ((uint64_t)1 << 53))
            return cli_usage_error(cmd, "option '--epoch': %s is too large",
                                   a->epoch);
    }
    cfg->chain_id = DEVNET_CHAIN_ID;
    if (a->chain_id != NULL) {
        if ((rc = cli_parse_u64(cmd, "--chain-id", a->chain_id,
                                &cfg->chain_id)) != 0)
            return rc;
        /* 0 is no chain; beyond 2^53 the start line's JSON is inexact. */
        if (cfg->chain_id < 1 || cfg->chain_id >= ((uint64_t)1 << 53))
            return cli_usage_error(
                cmd, "option '--chain-id': %s is not 1 to 2^53 - 1",
                a->chain_id);
    }
    cfg->n_nodes = (size_t)n_nodes;
    cfg->min_nodes = (size_t)min_nodes;
    cfg->epoch = epoch;
    return 0;
}

/* Checks the options and fills cfg; *faults (freed by the caller) holds
 * one entry per node, random_hash the blockhash when none is given.
 * Returns 0 or an exit status. */
static int make_config(const cli_command *cmd, const struct devnet_args *a,
                       devnet_config *cfg, devnet_fault **faults,
                       char random_hash[67])
{
    struct in_addr in;
    size_t i;
    int rc;

    memset(cfg, 0, sizeof(*cfg));
    if ((rc = check_counts(cmd, a, cfg)) != 0)
        return rc;
    if (a->host != NULL && (inet_pton(AF_INET, a->host, &in) != 1 ||
                            (ntohl(in.s_addr) >> 24) != 127))
        return cli_usage_error(
            cmd, "option '--host': '%s' is not an IPv4 address in 127.0.0.0/8",
            a->host);
    if (a->cert_dir != NULL && !a->https)
        return cli_usage_error(cmd, "option '--cert-dir' needs '--https'");
    cfg->blockhash = a->blockhash;
    if (a->blockhash != NULL) {
        if ((rc = check_blockhash(cmd, a->blockhash)) != 0)
            return rc;
    } else {
        if ((rc = random_blockhash(cmd, random_hash)) != 0)
            return rc;
        cfg->blockhash = random_hash;
    }
    *faults = calloc(cfg->n_nodes, sizeof(**faults));
    if (*faults == NULL) {
        cli_error(cmd, "out of memory");
        return CLI_EXIT_FAIL;
    }
    for (i = 0; i < a->n_faults; i++)
        if ((rc = parse_fault(cmd, a->faults[i], *faults, cfg->n_nodes)) != 0)
            return rc;
    cfg->host = a->host != NULL ? a->host : "127.0.0.1";
    cfg->https = a->https;
    cfg->cert_dir = a->cert_dir;
    cfg->faults = *faults;
    return 0;
}

static int devnet_run(const cli_command *cmd, int argc, char **argv)
{
    struct devnet_args a;
    char random_hash[67];
    devnet_fault *faults = NULL;
    devnet_config cfg;
    sigset_t stop;
    int rc;

    memset(&a, 0, sizeof(a));
    rc = cli_read_options(cmd, argc, argv, devnet_longopts, devnet_option, &a,
                          &a.help);
    if (rc == 0 && a.help)
        rc = cli_print_help(cmd);
    else if (rc == 0)
        rc = make_config(cmd, &a, &cfg, &faults, random_hash);
    if (rc != 0 || a.help)
        goto done;

    if ((rc = cli_block_stop_signals(cmd, &stop)) != 0)
        goto done;
    /* The signals stay blocked: a second SIGTERM while stopping must
     * not turn the clean exit into a kill. */
    rc = serve(cmd, &cfg, &stop);
done:
    free(faults);
    free((void *)a.faults);
    return rc;
}

int main(int argc, char **argv)
{
    return cli_exit_status("lithsm devnet",
                           devnet_run(&cmd_devnet, argc, argv));
}
