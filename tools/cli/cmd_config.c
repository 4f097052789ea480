/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * cmd_config.c - 'lithsm config check': the effective configuration of
 * the CLI as JSON, each value with where it came from (FILE:LINE,
 * "default", "env", "option"), PIN sources and URIs redacted.  A bad
 * lithsm.conf never gets here: lithsm.c reports it (exit 1) before any
 * command runs.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_conf.h"

static const struct option config_longopts[] = {
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
};

/* What a value may show: PIN sources only as their kind, URIs as
 * cli_redact_uri() leaves them, a proxy without its user and password. */
static void shown_value(char *out, size_t size, cli_conf_key k, const char *v)
{
    const char *at, *scheme;
    char ms[24];

    if (k == CLI_CONF_PIN_SOURCE) {
        snprintf(out, size, "%.*s:<redacted>", (int)strcspn(v, ":"), v);
    } else if (k == CLI_CONF_TIMEOUT) {
        snprintf(ms, sizeof(ms), "%ld", strtol(v, NULL, 10) / 1000);
        snprintf(out, size, "%s", ms);
    } else if (k == CLI_CONF_PROXY && (scheme = strstr(v, "://")) != NULL &&
               (at = strchr(scheme, '@')) != NULL) {
        snprintf(out, size, "%.*s<redacted>%.*s", (int)(scheme + 3 - v), v,
                 (int)strcspn(at, "?#"), at);
    } else {
        cli_redact_uri(out, size, v);
    }
}

/* {"value": v, "source": source} added to obj as `name`. */
static int add_entry(json_object *obj, const char *name, const char *v,
                     const char *source)
{
    json_object *e = json_object_new_object();

    if (e == NULL || cli_json_add_str(e, "value", v) != 0 ||
        cli_json_add_str(e, "source", source) != 0 ||
        json_object_object_add(obj, name, e) != 0) {
        json_object_put(e);
        return -1;
    }
    return 0;
}

static int add_settings(json_object *root)
{
    json_object *set = json_object_new_object();
    const char *v, *src;
    char shown[512];
    int k, rc = set == NULL ? -1 : 0;

    for (k = 0; rc == 0 && k < CLI_CONF_N; k++) {
        v = cli_conf_get((cli_conf_key)k, &src);
        if (v == NULL && k == CLI_CONF_MODULE)
            v = cli_conf_default_module(&src);
        if (v == NULL && src == NULL)
            src = "default";
        if (v != NULL)
            shown_value(shown, sizeof(shown), (cli_conf_key)k, v);
        rc = add_entry(set, cli_conf_name((cli_conf_key)k),
                       v != NULL ? shown : NULL, src);
    }
    if (rc == 0 && json_object_object_add(root, "settings", set) == 0)
        return 0;
    json_object_put(set);
    return -1;
}

static int add_keys(json_object *root)
{
    json_object *keys = json_object_new_object();
    const char *v, *name, *src;
    char shown[512];
    size_t i;
    int rc = keys == NULL ? -1 : 0;

    for (i = 0; rc == 0 && (v = cli_conf_key_at(i, &name, &src)) != NULL; i++) {
        cli_redact_uri(shown, sizeof(shown), v);
        rc = add_entry(keys, name, shown, src);
    }
    if (rc == 0 && json_object_object_add(root, "keys", keys) == 0)
        return 0;
    json_object_put(keys);
    return -1;
}

static int add_files(json_object *root)
{
    json_object *files = json_object_new_array(), *f;
    const char *path;
    size_t i;
    int read;

    if (files == NULL)
        return -1;
    for (i = 0; (path = cli_conf_file_at(i, &read)) != NULL; i++) {
        f = json_object_new_object();
        if (f == NULL || cli_json_add_str(f, "path", path) != 0 ||
            json_object_object_add(f, "read", json_object_new_boolean(read)) !=
                0 ||
            json_object_array_add(files, f) != 0) {
            json_object_put(f);
            json_object_put(files);
            return -1;
        }
    }
    return json_object_object_add(root, "files", files);
}

/* The output switches and where they came from: "env" when the variable
 * gives the value in effect, "option" for another than the default. */
static int add_output(json_object *root)
{
    json_object *out = json_object_new_object();
    const char *fmt_env = getenv("LITHSM_ERROR_FORMAT");
    const char *dbg_env = getenv("LITHSM_DEBUG");
    const char *fmt = cli_output_json() ? "json" : "text";
    int v = cli_verbosity();
    char level[8];

    snprintf(level, sizeof(level), "%d", v);
    if (out != NULL &&
        add_entry(out, "error-format", fmt,
                  fmt_env != NULL && strcmp(fmt_env, fmt) == 0 ? "env"
                  : fmt[0] == 'j'                              ? "option"
                                  : "default") == 0 &&
        add_entry(out, "verbosity", level,
                  dbg_env != NULL && strcmp(dbg_env, "1") == 0 && v == 2 ? "env"
                  : v != 0 ? "option"
                           : "default") == 0 &&
        json_object_object_add(root, "output", out) == 0)
        return 0;
    json_object_put(out);
    return -1;
}

/* config check has no options of its own. */
static int no_option(const cli_command *cmd, void *ctx, int c, const char *arg)
{
    (void)ctx;
    (void)arg;
    return cli_usage_error(cmd, "unexpected option %d", c);
}

static int run_check(const cli_command *cmd, int argc, char **argv)
{
    json_object *root;
    int help, rc;

    rc = cli_read_options(cmd, argc, argv, config_longopts, no_option, NULL,
                          &help);
    if (rc != 0)
        return rc;
    if (help)
        return cli_print_help(cmd);
    cli_conf_notes(cmd);
    root = json_object_new_object();
    if (root == NULL || add_files(root) != 0 || add_settings(root) != 0 ||
        add_keys(root) != 0 || add_output(root) != 0) {
        json_object_put(root);
        cli_error(cmd, "out of memory");
        return CLI_EXIT_FAIL;
    }
    rc = cli_print_json(cmd, root);
    json_object_put(root);
    return rc;
}

static int config_run(const cli_command *cmd, int argc, char **argv)
{
    if (argc >= 2 &&
        (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
        return cli_print_help(cmd);
    if (argc < 2 || argv[1][0] == '-')
        return cli_usage_error(cmd, "give the subcommand: check");
    if (strcmp(argv[1], "check") != 0)
        return cli_usage_error(cmd, "unknown subcommand '%s' (there is check)",
                               argv[1]);
    return run_check(cmd, argc - 1, argv + 1);
}

const cli_command cmd_config = {
    "config",
    "print the effective configuration (lithsm.conf), secrets redacted",
    "lithsm config check",
    cli_help_config,
    config_run,
};
