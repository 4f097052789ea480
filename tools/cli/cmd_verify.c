/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * cmd_verify.c - lithsm verify: check one SessionSig as a Lit node would.
 */
#include <stdlib.h>
#include <string.h>

#include "cli_net.h"

/* verify's own exit statuses. */
#define VERIFY_ACCEPT 0
#define VERIFY_REJECT 1
#define VERIFY_UNUSABLE 2

/* A grace longer than a year makes no sense and could overflow. */
#define GRACE_MAX_SECONDS (366u * 24u * 3600u)

static int verify_run(const cli_command *cmd, int argc, char **argv);

const cli_command cmd_verify = {
    "verify",
    "check a SessionSig as a Lit node would",
    "lithsm verify --session-sigs FILE [--node URL] [--now T] "
    "[--grace SECONDS]\n"
    "       lithsm verify --session-sigs FILE --send (--network NAME |\n"
    "              --rpc URL --staking ADDR | --node URL...) "
    "[network options]",
    cli_help_verify,
    verify_run,
};

/* Finds the SessionSig text for `node`: the whole file when it is one
 * SessionSig, else the map's entry re-serialised (its strings, which are
 * what gets verified, come out unchanged).  *text borrows from `file` or
 * from `doc`. */
static int pick_entry(const cli_command *cmd, const char *path,
                      const char *file, size_t file_len, json_object *doc,
                      const char *node, const char **text, size_t *len)
{
    json_object *entry;

    if (json_object_object_get_ex(doc, "sig", NULL)) {
        *text = file;
        *len = file_len;
        return 0;
    }
    if (!json_object_object_get_ex(doc, node, &entry)) {
        cli_error(cmd, "'%s' has no SessionSig for node '%s'", path, node);
        return VERIFY_UNUSABLE;
    }
    *text = json_object_to_json_string_ext(
        entry, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    if (*text == NULL) {
        cli_error(cmd, "out of memory");
        return VERIFY_UNUSABLE;
    }
    *len = strlen(*text);
    return 0;
}

/* {"node","verdict","reason","errorCode","status","detail"}, or NULL when
 * memory runs out. */
static json_object *verdict_json(const char *node,
                                 const lithsm_verify_result *res)
{
    json_object *out = json_object_new_object();

    if (out == NULL || cli_json_add_str(out, "node", node) != 0 ||
        cli_json_add_str(out, "verdict",
                         res->reason == LITHSM_VERIFY_OK ? "accept"
                                                         : "reject") != 0 ||
        cli_json_add_str(out, "reason", res->word) != 0 ||
        cli_json_add_str(out, "errorCode", res->node_error) != 0 ||
        cli_json_add_int(out, "status", res->http_status) != 0 ||
        cli_json_add_str(out, "detail",
                         res->detail[0] != '\0' ? res->detail : NULL) != 0) {
        json_object_put(out);
        return NULL;
    }
    return out;
}

/* Prints `out` (NULL: memory ran out) and drops it; 0 or VERIFY_UNUSABLE. */
static int print_verdicts(const cli_command *cmd, json_object *out)
{
    int rc;

    if (out == NULL) {
        cli_error(cmd, "out of memory");
        return VERIFY_UNUSABLE;
    }
    rc = cli_print_json(cmd, out);
    json_object_put(out);
    return rc != 0 ? VERIFY_UNUSABLE : 0;
}

/* The options of a local check. */
typedef struct verify_opts {
    const char *path, *now, *grace;
    const char **nodes;
    size_t n_nodes;
    cli_net_opts net;
    int send;
    int64_t now_ms, grace_ms;
} verify_opts;

/* Reads FILE and parses it into *doc, a JSON object (map or SessionSig). */
static int read_doc(const cli_command *cmd, const char *path, char **file,
                    size_t *len, json_object **doc)
{
    char what[512];

    if (cli_read_file(cmd, "SessionSigs file", path, file, len) != 0)
        return VERIFY_UNUSABLE;
    snprintf(what, sizeof(what), "SessionSigs file '%s'", path);
    if (cli_parse_json(cmd, what, *file, *len, doc) != 0)
        return VERIFY_UNUSABLE;
    if (!json_object_is_type(*doc, json_type_object)) {
        cli_error(cmd, "%s: not a SessionSigs map or SessionSig object", what);
        return VERIFY_UNUSABLE;
    }
    return 0;
}

/* --node URL: the entry for that node (or the one SessionSig given). */
static int verify_node(const cli_command *cmd, const verify_opts *o)
{
    const char *node = o->nodes[0], *text;
    char *file = NULL;
    size_t file_len, len;
    json_object *doc = NULL;
    lithsm_verify_result res;
    lithsm_err err;
    int rc = VERIFY_UNUSABLE;

    if (read_doc(cmd, o->path, &file, &file_len, &doc) != 0 ||
        pick_entry(cmd, o->path, file, file_len, doc, node, &text, &len) != 0)
        goto done;
    err = lithsm_verify_session_sig(&res, text, len, node, o->now_ms,
                                    o->grace_ms);
    if (err != LITHSM_OK) {
        cli_lib_error(cmd, err, "cannot check the SessionSig");
        goto done;
    }
    if (print_verdicts(cmd, verdict_json(node, &res)) != 0)
        goto done;
    rc = res.reason == LITHSM_VERIFY_OK ? VERIFY_ACCEPT : VERIFY_REJECT;
done:
    json_object_put(doc);
    free(file);
    return rc;
}

/* No --node: every entry for its own node, one verdict each, in the map's
 * order. */
static int verify_map(const cli_command *cmd, const verify_opts *o)
{
    char *file = NULL;
    size_t len, i, n = 0;
    json_object *doc = NULL, *out = NULL;
    lithsm_verify_entry *entries = NULL;
    lithsm_err err;
    int rc = VERIFY_UNUSABLE, rejected = 0;

    if (read_doc(cmd, o->path, &file, &len, &doc) != 0)
        goto done;
    if (json_object_object_get_ex(doc, "sig", NULL)) {
        cli_usage_error(cmd,
                        "'%s' holds one SessionSig: name its node with "
                        "--node",
                        o->path);
        goto done;
    }
    err = lithsm_verify_session_sigs_map(&entries, &n, file, len, o->now_ms,
                                         o->grace_ms);
    if (err != LITHSM_OK) {
        cli_lib_error(cmd, err, "cannot check the SessionSigs in '%s'",
                      o->path);
        goto done;
    }
    out = json_object_new_array();
    for (i = 0; out != NULL && i < n; i++) {
        json_object *v = verdict_json(entries[i].node_url, &entries[i].result);

        if (v == NULL || json_object_array_add(out, v) != 0) {
            json_object_put(v);
            json_object_put(out);
            out = NULL;
        }
        rejected |= entries[i].result.reason != LITHSM_VERIFY_OK;
    }
    if (print_verdicts(cmd, out) == 0)
        rc = rejected ? VERIFY_REJECT : VERIFY_ACCEPT;
done:
    lithsm_free(entries);
    json_object_put(doc);
    free(file);
    return rc;
}

/* --send: every entry of the map goes to its own node (the devnet's check
 * route); prints [{"node","verdict","errorCode","status","detail"}...].
 * 0 when every node accepts, 1 when one rejects, else 2 (no answer). */
static int verify_send(const cli_command *cmd, const char *path,
                       const cli_net_opts *net, const char *const *nodes,
                       size_t n_nodes)
{
    lithsm_client *client = NULL;
    char *file = NULL, *verdicts = NULL;
    json_object *doc = NULL, *v;
    const char *word;
    size_t len, i;
    int rc, rejected = 0, errors = 0;
    lithsm_err err;

    if (cli_read_file(cmd, "SessionSigs file", path, &file, &len) != 0)
        return VERIFY_UNUSABLE;
    rc = cli_net_connect(cmd, net, nodes, n_nodes, &client);
    if (rc != 0) {
        rc = rc == CLI_EXIT_TEMPFAIL ? rc : VERIFY_UNUSABLE;
        goto done;
    }
    rc = VERIFY_UNUSABLE;
    err = lithsm_client_check_session_sigs(&verdicts, client, file);
    if (err != LITHSM_OK) {
        cli_lib_error(cmd, err, "cannot send '%s'", path);
        rc = err == LITHSM_ERR_NETWORK ? CLI_EXIT_TEMPFAIL : rc;
        goto done;
    }
    if (cli_print_text(cmd, verdicts) != 0)
        goto done;
    doc = json_tokener_parse(verdicts);
    if (doc == NULL || !json_object_is_type(doc, json_type_array))
        goto done;
    for (i = 0; i < json_object_array_length(doc); i++) {
        word = json_object_object_get_ex(json_object_array_get_idx(doc, i),
                                         "verdict", &v)
                   ? json_object_get_string(v)
                   : "";
        if (strcmp(word, "reject") == 0)
            rejected++;
        else if (strcmp(word, "accept") != 0)
            errors++;
    }
    rc = rejected > 0 ? VERIFY_REJECT
         : errors > 0 ? VERIFY_UNUSABLE
                      : VERIFY_ACCEPT;
done:
    json_object_put(doc);
    lithsm_free(verdicts);
    lithsm_client_free(client);
    free(file);
    return rc;
}

enum { OPT_SESSION_SIGS = 256, OPT_NODE, OPT_NOW, OPT_GRACE, OPT_SEND };

/* Stores option `c`; every problem makes the input unusable. */
static int verify_option(const cli_command *cmd, void *opts, int c,
                         const char *arg)
{
    verify_opts *o = opts;
    int rc = 0;

    switch (c) {
    case OPT_SESSION_SIGS:
        rc = cli_set_once(cmd, &o->path, "--session-sigs", arg);
        break;
    case OPT_NODE:
        /* One node checks locally; --send takes several. */
        rc = cli_push(cmd, &o->nodes, &o->n_nodes, arg);
        break;
    case OPT_SEND:
        o->send = 1;
        break;
    case OPT_NOW:
        rc = cli_set_once(cmd, &o->now, "--now", arg);
        break;
    case OPT_GRACE:
        rc = cli_set_once(cmd, &o->grace, "--grace", arg);
        break;
    default:
        rc = cli_net_is_option(c) ? cli_net_set(cmd, &o->net, c, arg)
                                  : CLI_EXIT_USAGE;
        break;
    }
    return rc == 0 ? 0 : VERIFY_UNUSABLE;
}

/* The combinations that make no sense. */
static int check_options(const cli_command *cmd, const verify_opts *o)
{
    if (o->path == NULL)
        return cli_missing(cmd, "--session-sigs");
    if (o->send && (o->now != NULL || o->grace != NULL))
        return cli_usage_error(cmd, "--now and --grace are for the local "
                                    "check; with --send each node uses its "
                                    "own clock");
    if (!o->send && cli_net_any(&o->net))
        return cli_usage_error(cmd, "the network options go with --send");
    if (!o->send && o->n_nodes > 1)
        return cli_usage_error(cmd, "option '--node' is given more than once");
    return 0;
}

/* --now and --grace into now_ms and grace_ms. */
static int resolve_clock(const cli_command *cmd, verify_opts *o)
{
    char now_text[LITHSM_TIME_LEN + 1];
    uint64_t grace_s = 60;

    o->now_ms = lithsm_time_now_ms();
    if (o->now != NULL &&
        cli_parse_time(cmd, "--now", o->now, now_text, &o->now_ms) != 0)
        return VERIFY_UNUSABLE;
    if (o->grace != NULL) {
        if (cli_parse_u64(cmd, "--grace", o->grace, &grace_s) != 0)
            return VERIFY_UNUSABLE;
        if (grace_s > GRACE_MAX_SECONDS) {
            cli_usage_error(cmd, "option '--grace': %s seconds is over a year",
                            o->grace);
            return VERIFY_UNUSABLE;
        }
    }
    o->grace_ms = (int64_t)grace_s * 1000;
    return 0;
}

/* The combinations, then the clock of a local check. */
static int verify_check(const cli_command *cmd, void *opts)
{
    verify_opts *o = opts;

    if (check_options(cmd, o) != 0)
        return VERIFY_UNUSABLE;
    if (!o->send && resolve_clock(cmd, o) != 0)
        return VERIFY_UNUSABLE;
    return 0;
}

static int verify_exec(const cli_command *cmd, void *opts)
{
    const verify_opts *o = opts;

    if (o->send)
        return verify_send(cmd, o->path, &o->net, o->nodes, o->n_nodes);
    return o->n_nodes > 0 ? verify_node(cmd, o) : verify_map(cmd, o);
}

static void verify_done(void *opts)
{
    verify_opts *o = opts;

    free((void *)o->nodes);
}

static const struct option verify_longopts[] = {
    { "session-sigs", required_argument, NULL, OPT_SESSION_SIGS },
    { "node", required_argument, NULL, OPT_NODE },
    { "now", required_argument, NULL, OPT_NOW },
    { "grace", required_argument, NULL, OPT_GRACE },
    { "send", no_argument, NULL, OPT_SEND },
    CLI_NET_LONGOPTS,
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
};

static const cli_steps verify_steps = {
    verify_longopts, sizeof(verify_opts), verify_option,
    verify_check,    verify_exec,         verify_done,
};

static int verify_run(const cli_command *cmd, int argc, char **argv)
{
    return cli_run(cmd, &verify_steps, argc, argv);
}
