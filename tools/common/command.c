/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * command.c - the command-line frame shared by lithsm and lithsm-devnet:
 * messages, option parsing and JSON members (command.h).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/command.h"

static cli_output cli_out; /* zero: text, warnings shown */

void cli_output_set(const cli_output *out)
{
    cli_out = *out;
}

int cli_verbosity(void)
{
    return cli_out.verbosity;
}

int cli_output_json(void)
{
    return cli_out.json;
}

/* fmt with ap in a new string (NULL when memory runs out). */
static char *cli_vformat(const char *fmt, va_list ap)
{
    va_list again;
    char *s;
    int n;

    va_copy(again, ap);
    n = vsnprintf(NULL, 0, fmt, again);
    va_end(again);
    if (n < 0 || (s = malloc((size_t)n + 1)) == NULL)
        return NULL;
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

/* The first "--option" a message names ('--key', "--key" or --key after a
 * space or the start) in out, or 0 when there is none. */
static int cli_field_of(const char *msg, char *out, size_t size)
{
    const char *p;
    size_t n;

    for (p = strstr(msg, "--"); p != NULL; p = strstr(p + 2, "--")) {
        if (p != msg && strchr(" '\"(/", p[-1]) == NULL)
            continue;
        n = 2 + strspn(p + 2, "abcdefghijklmnopqrstuvwxyz0123456789-");
        if (n > 2 && n < size) {
            memcpy(out, p, n);
            out[n] = '\0';
            return 1;
        }
    }
    return 0;
}

/* One JSON line {kind: msg, ...} on stderr. */
static void cli_json_line(const cli_command *cmd, const char *kind,
                          const char *msg, const char *code, const char *field)
{
    json_object *o = json_object_new_object();
    const char *s = NULL;

    if (o != NULL &&
        (code == NULL || (cli_json_add_str(o, kind, code) == 0 &&
                          cli_json_add_str(o, "message", msg) == 0 &&
                          cli_json_add_str(o, "field", field) == 0)) &&
        (code != NULL || cli_json_add_str(o, kind, msg) == 0) &&
        cli_json_add_str(o, "command",
                         cmd->name[0] != '\0' ? cmd->name : NULL) == 0)
        s = json_object_to_json_string_ext(
            o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    if (s != NULL)
        fprintf(stderr, "%s\n", s);
    else
        fprintf(stderr,
                "{\"error\":\"NOMEM\",\"message\":\"out of memory\"}\n");
    json_object_put(o);
}

/* Prints an error; `usage` adds the synopsis lines in text. */
static void cli_verror_code(const cli_command *cmd, const char *code,
                            const char *field, int usage, const char *fmt,
                            va_list ap)
{
    char *msg = cli_vformat(fmt, ap);
    char found[64];

    if (field == NULL && msg != NULL && cli_field_of(msg, found, sizeof(found)))
        field = found;
    if (cli_out.json)
        cli_json_line(cmd, "error", msg != NULL ? msg : "out of memory", code,
                      field);
    else
        fprintf(stderr, "lithsm%s%s: %s\n", cmd->name[0] != '\0' ? " " : "",
                cmd->name, msg != NULL ? msg : "out of memory");
    if (usage && !cli_out.json)
        fprintf(stderr,
                "usage: %s\nTry 'lithsm %s --help' for more "
                "information.\n",
                cmd->usage, cmd->name);
    free(msg);
}

void cli_error_code(const cli_command *cmd, const char *code, const char *field,
                    const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    cli_verror_code(cmd, code, field, 0, fmt, ap);
    va_end(ap);
}

void cli_error(const cli_command *cmd, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    cli_verror_code(cmd, "ERROR", NULL, 0, fmt, ap);
    va_end(ap);
}

int cli_usage_error(const cli_command *cmd, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    cli_verror_code(cmd, "USAGE", NULL, 1, fmt, ap);
    va_end(ap);
    return CLI_EXIT_USAGE;
}

/* A warning, note or debug line of `kind`. */
static void cli_vline(const cli_command *cmd, const char *kind, const char *fmt,
                      va_list ap)
{
    char *msg = cli_vformat(fmt, ap);

    if (msg == NULL)
        return;
    if (cli_out.json)
        cli_json_line(cmd, kind, msg, NULL, NULL);
    else
        fprintf(stderr, "lithsm %s: %s: %s\n", cmd->name, kind, msg);
    free(msg);
}

void cli_warn(const cli_command *cmd, const char *fmt, ...)
{
    va_list ap;

    if (cli_out.verbosity < 0)
        return;
    va_start(ap, fmt);
    cli_vline(cmd, "warning", fmt, ap);
    va_end(ap);
}

void cli_note(const cli_command *cmd, int level, const char *fmt, ...)
{
    va_list ap;

    if (cli_out.verbosity < (level < 1 ? 1 : level))
        return;
    va_start(ap, fmt);
    cli_vline(cmd, level >= 2 ? "debug" : "note", fmt, ap);
    va_end(ap);
}

int cli_print_help(const cli_command *cmd)
{
    fputs(cmd->help, stdout);
    return CLI_EXIT_OK;
}

/* The options every command takes (cli_set_global_options()). */
static const struct option *cli_global_long;
static const char *cli_global_short = "";
static cli_option_fn cli_global_fn;

void cli_set_global_options(const struct option *longopts,
                            const char *shortopts, cli_option_fn option)
{
    cli_global_long = longopts;
    cli_global_short = shortopts;
    cli_global_fn = option;
}

static size_t cli_count_options(const struct option *o)
{
    size_t n = 0;

    while (o != NULL && o[n].name != NULL)
        n++;
    return n;
}

/* A command's options followed by the global ones, in a new array; NULL
 * when memory runs out. */
static struct option *cli_merge_options(const struct option *longopts)
{
    size_t n = cli_count_options(longopts);
    size_t g = cli_count_options(cli_global_long);
    struct option *all = calloc(n + g + 1, sizeof(*all));

    if (all != NULL) {
        memcpy(all, longopts, n * sizeof(*all));
        if (g > 0)
            memcpy(all + n, cli_global_long, g * sizeof(*all));
    }
    return all;
}

static int cli_is_global(int c)
{
    size_t i;

    if (c > 0 && c < 128 && strchr(cli_global_short, c) != NULL)
        return 1;
    for (i = 0; cli_global_long != NULL && cli_global_long[i].name != NULL; i++)
        if (cli_global_long[i].val == c)
            return 1;
    return 0;
}

/* A word of short global letters ("-v", "-vv"): each one's status. */
static int cli_global_letters(const cli_command *cmd, const char *a, int *rc)
{
    size_t k;

    if (a[0] != '-' || a[1] == '-' || a[1] == '\0' ||
        a[1 + strspn(a + 1, cli_global_short)] != '\0')
        return 0;
    for (k = 1, *rc = 0; *rc == 0 && a[k] != '\0'; k++)
        *rc = cli_global_fn(cmd, NULL, a[k], NULL);
    return 1;
}

int cli_global_word(const cli_command *cmd, int argc, char **argv, int *i,
                    int *rc)
{
    const char *a = argv[*i], *value = NULL;
    const struct option *o;
    size_t n;

    if (cli_global_fn == NULL)
        return 0;
    if (cli_global_short[0] != '\0' && cli_global_letters(cmd, a, rc))
        return 1;
    if (strncmp(a, "--", 2) != 0)
        return 0;
    n = strcspn(a + 2, "=");
    for (o = cli_global_long; o->name != NULL; o++)
        if (strlen(o->name) == n && strncmp(o->name, a + 2, n) == 0)
            break;
    if (o->name == NULL)
        return 0;
    if (o->has_arg == no_argument && a[2 + n] == '=') {
        *rc = cli_usage_error(cmd, "option '--%s' takes no value", o->name);
        return 1;
    }
    if (o->has_arg != no_argument) {
        if (a[2 + n] == '=')
            value = a + 3 + n;
        else if (*i + 1 < argc)
            value = argv[++*i];
        else {
            *rc = cli_usage_error(cmd, "option '--%s' needs a value", o->name);
            return 1;
        }
    }
    *rc = cli_global_fn(cmd, NULL, o->val, value);
    return 1;
}

int cli_next_option(const cli_command *cmd, int argc, char **argv,
                    const struct option *longopts)
{
    const char *arg;
    size_t len;
    int c;

    char optstring[16];

    opterr = 0;
    snprintf(optstring, sizeof(optstring), ":h%s", cli_global_short);
    c = getopt_long(argc, argv, optstring, longopts, NULL);
    if (c == -1) {
        if (optind < argc) {
            cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
            return CLI_OPT_ERROR;
        }
        return -1;
    }
    if (c != '?' && c != ':')
        return c;

    /* getopt_long leaves the offending word just before optind. */
    arg = (optind > 0 && optind <= argc) ? argv[optind - 1] : "";
    if (strncmp(arg, "--", 2) != 0) {
        if (c == ':')
            cli_usage_error(cmd, "option '-%c' needs a value", optopt);
        else
            cli_usage_error(cmd, "unknown option '-%c'", optopt);
        return CLI_OPT_ERROR;
    }
    len = strcspn(arg, "=");
    if (c == ':') {
        cli_usage_error(cmd, "option '%.*s' needs a value", (int)len, arg);
        return CLI_OPT_ERROR;
    }
    for (; longopts->name != NULL; longopts++) {
        if (strlen(longopts->name) == len - 2 &&
            strncmp(longopts->name, arg + 2, len - 2) == 0) {
            cli_usage_error(cmd, "option '%.*s' takes no value", (int)len, arg);
            return CLI_OPT_ERROR;
        }
    }
    cli_usage_error(cmd, "unknown or ambiguous option '%.*s'", (int)len, arg);
    return CLI_OPT_ERROR;
}

int cli_read_options(const cli_command *cmd, int argc, char **argv,
                     const struct option *longopts, cli_option_fn option,
                     void *ctx, int *help)
{
    struct option *all = cli_merge_options(longopts);
    int c, rc = 0;

    *help = 0;
    if (all == NULL) {
        cli_error(cmd, "out of memory");
        return CLI_EXIT_FAIL;
    }
    while (rc == 0 && !*help &&
           (c = cli_next_option(cmd, argc, argv, all)) != -1) {
        if (c == CLI_OPT_HELP)
            *help = 1;
        else if (c == CLI_OPT_ERROR)
            rc = CLI_EXIT_USAGE;
        else if (cli_global_fn != NULL && cli_is_global(c))
            rc = cli_global_fn(cmd, NULL, c, optarg);
        else
            rc = option(cmd, ctx, c, optarg);
    }
    free(all);
    return rc;
}

int cli_set_once(const cli_command *cmd, const char **slot, const char *name,
                 const char *value)
{
    if (*slot != NULL)
        return cli_usage_error(cmd, "option '%s' is given more than once",
                               name);
    if (value[0] == '\0')
        return cli_usage_error(cmd, "option '%s' needs a non-empty value",
                               name);
    *slot = value;
    return 0;
}

int cli_missing(const cli_command *cmd, const char *name)
{
    return cli_usage_error(cmd, "missing required option '%s'", name);
}

int cli_push(const cli_command *cmd, const char ***list, size_t *n,
             const char *value)
{
    const char **grown;

    if (*n >= 1024) {
        cli_error(cmd, "too many repeated options (the limit is 1024)");
        return CLI_EXIT_USAGE;
    }
    grown = realloc((void *)*list, (*n + 1) * sizeof(**list));
    if (grown == NULL) {
        cli_error(cmd, "out of memory");
        return CLI_EXIT_FAIL;
    }
    grown[*n] = value;
    *list = grown;
    (*n)++;
    return 0;
}

int cli_parse_u64(const cli_command *cmd, const char *name, const char *text,
                  uint64_t *out)
{
    uint64_t v = 0;
    const char *p;

    if (text[0] == '\0')
        goto bad;
    for (p = text; *p != '\0'; p++) {
        unsigned d = (unsigned)(*p - '0');

        if (*p < '0' || *p > '9')
            goto bad;
        if (v > (UINT64_MAX - d) / 10)
            return cli_usage_error(cmd, "option '%s': %s is too large", name,
                                   text);
        v = v * 10 + d;
    }
    *out = v;
    return 0;
bad:
    return cli_usage_error(cmd, "option '%s': '%s' is not a decimal number",
                           name, text);
}

int cli_json_add_str(json_object *obj, const char *key, const char *value)
{
    json_object *val = NULL;

    if (value != NULL && (val = json_object_new_string(value)) == NULL)
        return -1;
    if (json_object_object_add(obj, key, val) != 0) {
        json_object_put(val);
        return -1;
    }
    return 0;
}

int cli_json_add_int(json_object *obj, const char *key, int64_t value)
{
    json_object *val = json_object_new_int64(value);

    if (val == NULL || json_object_object_add(obj, key, val) != 0) {
        json_object_put(val);
        return -1;
    }
    return 0;
}

int cli_exit_status(const char *prog, int status)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "%s: cannot write the output: %s\n", prog,
                strerror(errno));
        if (status == CLI_EXIT_OK)
            status = CLI_EXIT_FAIL;
    }
    return status;
}

void cli_redact_uri(char *out, size_t size, const char *uri)
{
    const char *p, *end, *next;
    size_t n, used;
    int first = 1;

    if (strncmp(uri, "pkcs11:", 7) != 0) {
        snprintf(out, size, "%s", uri);
        return;
    }
    used = (size_t)snprintf(out, size, "pkcs11:");
    end = uri + strcspn(uri, "?#");
    for (p = uri + 7; p < end && used < size; p = next + 1) {
        next = memchr(p, ';', (size_t)(end - p));
        if (next == NULL)
            next = end;
        n = (size_t)(next - p);
        if ((n > 6 && strncmp(p, "token=", 6) == 0) ||
            (n > 7 && strncmp(p, "object=", 7) == 0)) {
            used += (size_t)snprintf(out + used, size - used, "%s%.*s",
                                     first ? "" : ";", (int)n, p);
            first = 0;
        }
        if (next == end)
            break;
    }
}

json_object *cli_json_parse_strict(const char *text, size_t len, int depth)
{
    json_tokener *tok;
    json_object *obj;
    size_t end;

    if (len > INT32_MAX || memchr(text, '\0', len) != NULL ||
        (tok = json_tokener_new_ex(depth)) == NULL)
        return NULL;
    json_tokener_set_flags(tok,
                           JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    obj = json_tokener_parse_ex(tok, text, (int)len);
    if (obj != NULL && json_tokener_get_error(tok) == json_tokener_success) {
        for (end = json_tokener_get_parse_end(tok); end < len; end++)
            if (strchr(" \t\r\n", text[end]) == NULL) {
                json_object_put(obj);
                obj = NULL;
                break;
            }
    } else {
        json_object_put(obj);
        obj = NULL;
    }
    json_tokener_free(tok);
    return obj;
}

int cli_block_stop_signals(const cli_command *cmd, sigset_t *stop)
{
    sigemptyset(stop);
    sigaddset(stop, SIGTERM);
    sigaddset(stop, SIGINT);
    sigaddset(stop, SIGHUP);
    signal(SIGPIPE, SIG_IGN);
    if (pthread_sigmask(SIG_BLOCK, stop, NULL) != 0) {
        cli_error(cmd, "cannot block the stop signals");
        return CLI_EXIT_FAIL;
    }
    return 0;
}
