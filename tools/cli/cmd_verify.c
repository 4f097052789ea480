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
    "lithsm verify --session-sigs FILE --node URL [--now T] "
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

static int print_result(const cli_command *cmd, const char *node,
                        const lithsm_verify_result *res)
{
    json_object *out = json_object_new_object();
    int rc;

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
        cli_error(cmd, "out of memory");
        return VERIFY_UNUSABLE;
    }
    rc = cli_print_json(cmd, out);
    json_object_put(out);
    return rc != 0 ? VERIFY_UNUSABLE : 0;
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
        rc = VERIFY_UNUSABLE;
        goto done;
    }
    rc = VERIFY_UNUSABLE;
    err = lithsm_client_check_session_sigs(&verdicts, client, file);
    if (err != LITHSM_OK) {
        cli_lib_error(cmd, err, "cannot send '%s'", path);
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

static int verify_run(const cli_command *cmd, int argc, char **argv)
{
    enum { OPT_SESSION_SIGS = 256, OPT_NODE, OPT_NOW, OPT_GRACE, OPT_SEND };
    static const struct option opts[] = {
        { "session-sigs", required_argument, NULL, OPT_SESSION_SIGS },
        { "node", required_argument, NULL, OPT_NODE },
        { "now", required_argument, NULL, OPT_NOW },
        { "grace", required_argument, NULL, OPT_GRACE },
        { "send", no_argument, NULL, OPT_SEND },
        CLI_NET_LONGOPTS,
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *path = NULL, *node = NULL, *now = NULL, *grace = NULL;
    const char **nodes = NULL;
    size_t n_nodes = 0;
    cli_net_opts net;
    int send = 0;
    char now_text[LITHSM_TIME_LEN + 1], what[512];
    int64_t now_ms;
    uint64_t grace_s = 60;
    char *file = NULL;
    size_t file_len, len;
    const char *text;
    json_object *doc = NULL;
    lithsm_verify_result res;
    lithsm_err err;
    int c, rc = 0;

    memset(&net, 0, sizeof(net));
    while (rc == 0 && (c = cli_next_option(cmd, argc, argv, opts)) != -1) {
        switch (c) {
        case OPT_SESSION_SIGS:
            rc = cli_set_once(cmd, &path, "--session-sigs", optarg);
            break;
        case OPT_NODE:
            /* One node checks locally; --send takes several. */
            rc = cli_push(cmd, &nodes, &n_nodes, optarg);
            break;
        case OPT_SEND:
            send = 1;
            break;
        case OPT_NOW:
            rc = cli_set_once(cmd, &now, "--now", optarg);
            break;
        case OPT_GRACE:
            rc = cli_set_once(cmd, &grace, "--grace", optarg);
            break;
        case 'h':
            free(nodes);
            return cli_print_help(cmd);
        default:
            rc = cli_net_is_option(c) ? cli_net_set(cmd, &net, c, optarg)
                                      : CLI_EXIT_USAGE;
            break;
        }
    }
    if (rc == 0 && path == NULL)
        rc = cli_missing(cmd, "--session-sigs");
    if (rc == 0 && send && (now != NULL || grace != NULL))
        rc = cli_usage_error(cmd, "--now and --grace are for the local "
                                  "check; with --send each node uses its "
                                  "own clock");
    if (rc == 0 && !send && cli_net_any(&net))
        rc = cli_usage_error(cmd, "the network options go with --send");
    if (rc == 0 && !send && n_nodes > 1)
        rc = cli_usage_error(cmd, "option '--node' is given more than once");
    if (rc != 0) {
        free(nodes);
        return VERIFY_UNUSABLE;
    }
    if (send) {
        rc = verify_send(cmd, path, &net, nodes, n_nodes);
        free(nodes);
        return rc;
    }
    node = n_nodes > 0 ? nodes[0] : NULL;
    free(nodes);
    if (node == NULL) {
        cli_missing(cmd, "--node");
        return VERIFY_UNUSABLE;
    }
    if (now != NULL) {
        if (cli_parse_time(cmd, "--now", now, now_text, &now_ms) != 0)
            return VERIFY_UNUSABLE;
    } else {
        now_ms = lithsm_time_now_ms();
    }
    if (grace != NULL) {
        if (cli_parse_u64(cmd, "--grace", grace, &grace_s) != 0)
            return VERIFY_UNUSABLE;
        if (grace_s > GRACE_MAX_SECONDS) {
            cli_usage_error(cmd, "option '--grace': %s seconds is over a year",
                            grace);
            return VERIFY_UNUSABLE;
        }
    }

    if (cli_read_file(cmd, "SessionSigs file", path, &file, &file_len) != 0)
        return VERIFY_UNUSABLE;
    rc = VERIFY_UNUSABLE;
    snprintf(what, sizeof(what), "SessionSigs file '%s'", path);
    if (cli_parse_json(cmd, what, file, file_len, &doc) != 0)
        goto done;
    if (!json_object_is_type(doc, json_type_object)) {
        cli_error(cmd, "%s: not a SessionSigs map or SessionSig object", what);
        goto done;
    }
    if (pick_entry(cmd, path, file, file_len, doc, node, &text, &len) != 0)
        goto done;

    err = lithsm_verify_session_sig(&res, text, len, node, now_ms,
                                    (int64_t)grace_s * 1000);
    if (err != LITHSM_OK) {
        cli_lib_error(cmd, err, "cannot check the SessionSig");
        goto done;
    }
    if (print_result(cmd, node, &res) != 0)
        goto done;
    rc = res.reason == LITHSM_VERIFY_OK ? VERIFY_ACCEPT : VERIFY_REJECT;
done:
    json_object_put(doc);
    free(file);
    return rc;
}
