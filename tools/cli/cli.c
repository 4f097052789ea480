/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * cli.c - option parsing, file reading, errors and output shared by the
 * lithsm subcommands.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cli_conf.h"
#include "util/safe_file.h"

/* Deep enough for any AuthSig or SessionSigs file, shallow enough that a
 * hostile file cannot exhaust the stack. */
#define CLI_JSON_DEPTH 64

/* Standard input can be read once per run; a second "-" is an error. */
static int cli_stdin_taken;

int cli_exit_for(lithsm_err err)
{
    if (err == LITHSM_ERR_NETWORK)
        return CLI_EXIT_TEMPFAIL;
    if ((err == LITHSM_ERR_PKCS11 || err == LITHSM_ERR_KEY) &&
        lithsm_last_error_token_unavailable())
        return CLI_EXIT_TEMPFAIL;
    return CLI_EXIT_FAIL;
}

/* lithsm.h's codes in order (tests/config.test checks the list). */
const char *cli_err_name(lithsm_err err)
{
    static const char *const names[] = {
        "OK",        "INVALID_ARG", "NOMEM", "PARSE",  "CRYPTO",  "KEY",
        "SIGNATURE", "IO",          "RANGE", "PKCS11", "NETWORK", "PROTOCOL",
    };

    if ((unsigned)err < sizeof(names) / sizeof(names[0]))
        return names[err];
    return "UNKNOWN";
}

void cli_lib_error(const cli_command *cmd, lithsm_err err, const char *fmt, ...)
{
    const char *detail = lithsm_last_error();
    char msg[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (detail != NULL && detail[0] != '\0')
        cli_error_code(cmd, cli_err_name(err), NULL, "%s: %s (%s)", msg, detail,
                       lithsm_strerror(err));
    else
        cli_error_code(cmd, cli_err_name(err), NULL, "%s: %s", msg,
                       lithsm_strerror(err));
}

/* What cli_run() hands each option to. */
struct run_ctx {
    const cli_steps *steps;
    void *opts;
};

/* --pin-source and --module for every command that lists them, the rest
 * to the command's own step. */
static int run_option(const cli_command *cmd, void *ctx, int c, const char *arg)
{
    struct run_ctx *r = ctx;

    if (c == CLI_OPT_PIN_SOURCE || c == CLI_OPT_MODULE)
        return cli_token_option(cmd, c, arg);
    return r->steps->option(cmd, r->opts, c, arg);
}

int cli_run(const cli_command *cmd, const cli_steps *steps, int argc,
            char **argv)
{
    struct run_ctx r = { steps, NULL };
    int rc, help;

    r.opts = calloc(1, steps->size);
    if (r.opts == NULL) {
        cli_error(cmd, "out of memory");
        return CLI_EXIT_FAIL;
    }
    rc = cli_read_options(cmd, argc, argv, steps->longopts, run_option, &r,
                          &help);
    cli_conf_notes(cmd);
    if (rc == 0 && help)
        rc = cli_print_help(cmd);
    else if (rc == 0 && (rc = steps->check(cmd, r.opts)) == 0)
        rc = steps->run(cmd, r.opts);
    if (steps->done != NULL)
        steps->done(r.opts);
    free(r.opts);
    return rc;
}

int64_t cli_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int cli_parse_time(const cli_command *cmd, const char *name, const char *text,
                   char out[LITHSM_TIME_LEN + 1], int64_t *ms_out)
{
    int64_t ms;
    lithsm_err err;

    err = lithsm_time_parse(&ms, text);
    if (err == LITHSM_OK)
        err = lithsm_time_format(out, ms);
    if (err != LITHSM_OK) {
        cli_lib_error(
            cmd, err,
            "option '%s': '%s' is not a time like 2024-06-01T12:00:00Z", name,
            text);
        return CLI_EXIT_USAGE;
    }
    if (ms_out != NULL)
        *ms_out = ms;
    return 0;
}

static int cli_is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
           (c >= 'A' && c <= 'F');
}

int cli_check_nonce(const cli_command *cmd, const char *nonce)
{
    size_t i;

    if (strlen(nonce) != 66 || nonce[0] != '0' || nonce[1] != 'x')
        goto bad;
    for (i = 2; i < 66; i++)
        if (!cli_is_hex(nonce[i]))
            goto bad;
    return 0;
bad:
    return cli_usage_error(
        cmd, "option '--nonce': '%s' is not 0x + 64 hex digits", nonce);
}

int cli_check_node_url(const cli_command *cmd, const char *url)
{
    /* The library's rule (lithsm_node_url_check), as a usage error. */
    if (lithsm_node_url_check(url) != LITHSM_OK)
        return cli_usage_error(cmd, "%s", lithsm_last_error());
    return 0;
}

/* Reads "-" (standard input, once per run) or a regular file, without
 * blocking on a FIFO and at most CLI_MAX_FILE bytes (safe_file.h). */
static int cli_read_input(const cli_command *cmd, const char *what,
                          const char *path, unsigned flags, char **out,
                          size_t *len)
{
    lithsm_file_status st;
    int err = 0;

    if (strcmp(path, "-") == 0) {
        if (cli_stdin_taken) {
            cli_error(cmd, "%s: standard input ('-') can be read only once",
                      what);
            return CLI_EXIT_FAIL;
        }
        cli_stdin_taken = 1;
        st = lithsm_fd_read(STDIN_FILENO, flags, CLI_MAX_FILE, out, len, &err);
    } else {
        st = lithsm_file_read(path, flags, CLI_MAX_FILE, out, len, &err);
    }
    if (st == LITHSM_FILE_TOO_LARGE)
        cli_error_code(cmd, "RANGE", NULL,
                       "%s '%s' is larger than the limit of %u bytes", what,
                       path, CLI_MAX_FILE);
    else if (st != LITHSM_FILE_OK)
        cli_error_code(cmd, "IO", NULL, "cannot read %s '%s': %s", what, path,
                       lithsm_file_problem(st, err));
    return st == LITHSM_FILE_OK ? 0 : CLI_EXIT_FAIL;
}

int cli_read_file(const cli_command *cmd, const char *what, const char *path,
                  char **out, size_t *len)
{
    return cli_read_input(cmd, what, path, 0, out, len);
}

int cli_read_secret_file(const cli_command *cmd, const char *what,
                         const char *path, char **out, size_t *len)
{
    lithsm_protect_process();
    return cli_read_input(cmd, what, path, LITHSM_FILE_SECRET, out, len);
}

void cli_free_file(char *buf, size_t len)
{
    lithsm_file_free(buf, len);
}

/* --pin-source and --module, shared by the commands that open keys. */
static const char *cli_pin_source;
static const char *cli_module;

int cli_token_option(const cli_command *cmd, int c, const char *value)
{
    if (c == CLI_OPT_MODULE)
        return cli_set_once(cmd, &cli_module, "--module", value);
    if (cli_set_once(cmd, &cli_pin_source, "--pin-source", value) != 0)
        return CLI_EXIT_USAGE;
    /* The library's grammar; a PIN typed here by mistake is not echoed. */
    if (lithsm_pin_source_check(value) != LITHSM_OK)
        return cli_usage_error(cmd, "--pin-source must be file:PATH or "
                                    "env:NAME (never the PIN itself)");
    return 0;
}

/* 1 when the pkcs11: URI has attribute `name` (in its path or query). */
static int uri_has(const char *uri, const char *name)
{
    size_t n = strlen(name);
    const char *p;

    if (uri == NULL || strncmp(uri, "pkcs11:", 7) != 0)
        return 0;
    for (p = uri + 6; p != NULL; p = strpbrk(p + 1, ";?&"))
        if (strncmp(p + 1, name, n) == 0 && p[1 + n] == '=')
            return 1;
    return 0;
}

void cli_token_opts(const cli_command *cmd, lithsm_token_opts *opts,
                    const char *uri)
{
    const char *source = "--module";

    memset(opts, 0, sizeof(*opts));
    opts->module = cli_module;
    opts->pin_source = cli_pin_source;
    /* The files and the default yield to what the URI says itself. */
    if (opts->module == NULL && !uri_has(uri, "module-path")) {
        opts->module = cli_conf_get(CLI_CONF_MODULE, &source);
        if (opts->module == NULL)
            opts->module = cli_conf_default_module(&source);
    } else if (opts->module == NULL) {
        source = "the URI's module-path";
    }
    if (opts->pin_source == NULL && !uri_has(uri, "pin-source") &&
        !uri_has(uri, "pin-value"))
        opts->pin_source = cli_conf_get(CLI_CONF_PIN_SOURCE, NULL);
    opts->prompt = opts->pin_source == NULL && isatty(STDIN_FILENO);
    if (opts->module != NULL)
        cli_note(cmd, 1, "PKCS#11 module %s (from %s)", opts->module, source);
    else if (strcmp(source, "default") == 0)
        cli_note(cmd, 1,
                 "PKCS#11 module: the lithsm provider's default "
                 "(SoftHSM2's)");
    else
        cli_note(cmd, 1, "PKCS#11 module: from %s", source);
}

/* "--key -": the PEM text of standard input (no file to check). */
static int cli_open_stdin_key(const cli_command *cmd, const char *what,
                              lithsm_signer **out)
{
    char *pem = NULL;
    size_t len = 0;
    lithsm_err err;

    if (cli_read_secret_file(cmd, what, "-", &pem, &len) != 0)
        return CLI_EXIT_FAIL;
    err = lithsm_signer_from_pem(out, pem, len);
    cli_free_file(pem, len);
    if (err != LITHSM_OK) {
        cli_lib_error(cmd, err, "cannot use the %s '-'", what);
        return CLI_EXIT_FAIL;
    }
    return 0;
}

int cli_open_signer(const cli_command *cmd, const char *what, const char *path,
                    lithsm_signer **out)
{
    lithsm_token_opts opts;
    lithsm_err err;
    char shown[256];

    const char *named, *source = NULL;
    int64_t t0;

    *out = NULL;
    /* A PIN or a private key is about to be in memory: no core dump. */
    lithsm_protect_process();
    if (strcmp(path, "-") == 0)
        return cli_open_stdin_key(cmd, what, out);
    if ((named = cli_conf_named_key(path, &source)) != NULL) {
        cli_note(cmd, 1, "the %s '%s' is [keys] %s of %s", what, path, path,
                 source);
        path = named;
    }
    cli_redact_uri(shown, sizeof(shown), path);
    if (strncmp(path, "pkcs11:", 7) != 0) {
        cli_note(cmd, 1, "the %s is the file %s", what, shown);
        memset(&opts, 0, sizeof(opts));
        opts.module = cli_module; /* an error for a file, as before */
        opts.pin_source = cli_pin_source;
    } else {
        cli_note(cmd, 1, "the %s is %s", what, shown);
        cli_token_opts(cmd, &opts, path);
    }
    t0 = cli_now_ms();
    err = lithsm_signer_open_token(out, path, &opts);
    cli_note(cmd, 2, "opening the %s took %lld ms", what,
             (long long)(cli_now_ms() - t0));
    if (lithsm_token_config_warning() != NULL)
        cli_warn(cmd, "%s", lithsm_token_config_warning());
    if (err != LITHSM_OK) {
        cli_lib_error(cmd, err, "cannot use the %s '%s'", what, shown);
        return cli_exit_for(err);
    }
    if (strncmp(path, "pkcs11:", 7) == 0) {
        lithsm_pin_source_forget(opts.pin_source);
        lithsm_uri_pin_source_forget(path);
    }
    return 0;
}

int cli_parse_json(const cli_command *cmd, const char *what, const char *text,
                   size_t len, json_object **out)
{
    json_tokener *tok;
    json_object *obj;
    enum json_tokener_error jerr;
    size_t used;

    *out = NULL;
    if (memchr(text, '\0', len) != NULL) {
        cli_error(cmd, "%s: not JSON text (it holds a NUL byte)", what);
        return CLI_EXIT_FAIL;
    }
    if (len > INT32_MAX) {
        cli_error(cmd, "%s: too large", what);
        return CLI_EXIT_FAIL;
    }
    tok = json_tokener_new_ex(CLI_JSON_DEPTH);
    if (tok == NULL) {
        cli_error(cmd, "%s: out of memory", what);
        return CLI_EXIT_FAIL;
    }
    json_tokener_set_flags(tok,
                           JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    obj = json_tokener_parse_ex(tok, text, (int)len);
    jerr = json_tokener_get_error(tok);
    used = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    if (obj == NULL || jerr != json_tokener_success) {
        json_object_put(obj);
        if (jerr == json_tokener_continue || jerr == json_tokener_success)
            cli_error(cmd, "%s: the JSON text is empty or ends early", what);
        else
            cli_error(cmd, "%s: invalid JSON at byte %zu: %s", what, used,
                      json_tokener_error_desc(jerr));
        return CLI_EXIT_FAIL;
    }
    while (used < len && strchr(" \t\r\n", text[used]) != NULL)
        used++;
    if (used != len) {
        json_object_put(obj);
        cli_error(cmd, "%s: unexpected data after the JSON value at byte %zu",
                  what, used);
        return CLI_EXIT_FAIL;
    }
    *out = obj;
    return 0;
}

int cli_print_fields(const cli_command *cmd, const char *key, ...)
{
    json_object *out = json_object_new_object();
    va_list ap;
    int rc = out == NULL;

    va_start(ap, key);
    for (; rc == 0 && key != NULL; key = va_arg(ap, const char *))
        rc = cli_json_add_str(out, key, va_arg(ap, const char *));
    va_end(ap);
    if (rc != 0) {
        json_object_put(out);
        cli_error(cmd, "out of memory");
        return CLI_EXIT_FAIL;
    }
    rc = cli_print_json(cmd, out);
    json_object_put(out);
    return rc;
}

int cli_print_json(const cli_command *cmd, json_object *obj)
{
    const char *s;

    s = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN |
                                                JSON_C_TO_STRING_NOSLASHESCAPE);
    if (s == NULL) {
        cli_error(cmd, "out of memory");
        return CLI_EXIT_FAIL;
    }
    return cli_print_text(cmd, s);
}

int cli_print_text(const cli_command *cmd, const char *text)
{
    if (fputs(text, stdout) == EOF || fputc('\n', stdout) == EOF) {
        cli_error(cmd, "cannot write the output: %s", strerror(errno));
        return CLI_EXIT_FAIL;
    }
    return 0;
}

/* "0x" + lowercase hex of b[0..n), or NULL (reported). */
char *cli_hex_of(const cli_command *cmd, const uint8_t *b, size_t n)
{
    char *hex = malloc(2 * n + 3);

    if (hex == NULL) {
        cli_error(cmd, "out of memory");
        return NULL;
    }
    memcpy(hex, "0x", 2);
    if (lithsm_hex_encode(hex + 2, 2 * n + 1, b, n) != LITHSM_OK) {
        cli_error(cmd, "cannot write bytes as hex");
        free(hex);
        return NULL;
    }
    return hex;
}
