/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * cmd_audit.c - lithsm audit verify FILE: checks the hash chain of an
 * audit trail and names its first broken record.
 */
#include <string.h>

#include "cli.h"

/* Prints the verdict; returns 0 for an intact trail, 1 for a broken one. */
static int print_report(const cli_command *cmd, const lithsm_audit_report *r)
{
    json_object *obj = json_object_new_object();
    int rc = obj == NULL ? -1 : 0;

    if (r->problem == LITHSM_AUDIT_OK) {
        rc |= cli_json_add_int(obj, "records", (int64_t)r->records);
        rc |= cli_json_add_str(obj, "last", r->last);
    } else {
        rc |= cli_json_add_str(obj, "error", r->detail);
        rc |= cli_json_add_str(obj, "problem",
                               lithsm_audit_problem_name(r->problem));
        rc |= cli_json_add_int(obj, "record", (int64_t)r->seq);
        rc |= cli_json_add_int(obj, "line", (int64_t)r->line);
    }
    if (rc != 0) {
        json_object_put(obj);
        cli_error(cmd, "out of memory");
        return CLI_EXIT_FAIL;
    }
    rc = cli_print_json(cmd, obj);
    json_object_put(obj);
    if (rc != 0)
        return rc;
    return r->problem == LITHSM_AUDIT_OK ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}

typedef struct verify_args {
    const char *file;
    const char *anchor; /* SEQ:HASH, or NULL */
    uint64_t anchor_seq;
    char anchor_hex[LITHSM_AUDIT_HASH_HEX_LEN + 1];
} verify_args;

/* SEQ:HASH into the anchor fields (HASH in either case). */
static int parse_anchor(const cli_command *cmd, verify_args *v)
{
    const char *colon = strchr(v->anchor, ':');
    char seq[24];
    size_t i;

    if (colon == NULL || (size_t)(colon - v->anchor) >= sizeof(seq) ||
        strlen(colon + 1) != LITHSM_AUDIT_HASH_HEX_LEN)
        return cli_usage_error(cmd, "--anchor takes SEQ:HASH (HASH: 64 hex "
                                    "digits)");
    memcpy(seq, v->anchor, (size_t)(colon - v->anchor));
    seq[colon - v->anchor] = '\0';
    if (cli_parse_u64(cmd, "--anchor", seq, &v->anchor_seq) != 0)
        return CLI_EXIT_USAGE;
    if (v->anchor_seq == 0)
        return cli_usage_error(cmd, "--anchor: records count from 1");
    for (i = 0; i < LITHSM_AUDIT_HASH_HEX_LEN; i++) {
        char c = colon[1 + i];

        if (c >= 'A' && c <= 'F')
            c = (char)(c - 'A' + 'a');
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return cli_usage_error(cmd, "--anchor: HASH is not hex");
        v->anchor_hex[i] = c;
    }
    v->anchor_hex[LITHSM_AUDIT_HASH_HEX_LEN] = '\0';
    return 0;
}

static int audit_verify(const cli_command *cmd, verify_args *v)
{
    lithsm_audit_report report;
    lithsm_err err;
    int rc;

    if (v->anchor != NULL && (rc = parse_anchor(cmd, v)) != 0)
        return rc;
    err = lithsm_audit_verify(&report, v->file, v->anchor_seq,
                              v->anchor != NULL ? v->anchor_hex : NULL);
    if (err != LITHSM_OK) {
        cli_lib_error(cmd, err, "cannot check the trail");
        return CLI_EXIT_USAGE;
    }
    return print_report(cmd, &report);
}

static int is_help(const char *arg)
{
    return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

/* The words after 'verify': FILE and --anchor SEQ:HASH in any order. */
static int verify_main(const cli_command *cmd, int argc, char **argv)
{
    verify_args v;
    int i, rc;

    memset(&v, 0, sizeof(v));
    for (i = 0; i < argc; i++) {
        const char **slot = &v.file, *value = argv[i];

        if (cli_global_word(cmd, argc, argv, &i, &rc)) {
            if (rc != 0)
                return rc;
            continue;
        }
        if (is_help(argv[i]))
            return cli_print_help(cmd);
        if (strcmp(argv[i], "--anchor") == 0) {
            if (++i >= argc)
                return cli_usage_error(cmd, "option '--anchor' needs a value");
            slot = &v.anchor;
            value = argv[i];
        } else if (strncmp(argv[i], "--anchor=", 9) == 0) {
            slot = &v.anchor;
            value = argv[i] + 9;
        } else if (argv[i][0] == '-') {
            /* A FILE starting with '-' is written ./-name. */
            return cli_usage_error(cmd, "unknown option '%s'", argv[i]);
        } else if (v.file != NULL) {
            return cli_usage_error(cmd, "'verify' takes one FILE");
        }
        if (cli_set_once(cmd, slot, slot == &v.file ? "FILE" : "--anchor",
                         value) != 0)
            return CLI_EXIT_USAGE;
    }
    if (v.file == NULL)
        return cli_usage_error(cmd, "'verify' needs a FILE");
    return audit_verify(cmd, &v);
}

static int audit_main(const cli_command *cmd, int argc, char **argv)
{
    if (argc >= 2 && is_help(argv[1]))
        return cli_print_help(cmd);
    if (argc < 2)
        return cli_usage_error(cmd, "no subcommand given");
    if (strcmp(argv[1], "verify") != 0)
        return cli_usage_error(cmd, "unknown subcommand '%s'", argv[1]);
    return verify_main(cmd, argc - 2, argv + 2);
}

const cli_command cmd_audit = {
    "audit",
    "check the hash chain of an audit trail",
    "lithsm audit verify FILE [--anchor SEQ:HASH]",
    cli_help_audit,
    audit_main,
};
