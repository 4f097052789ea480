/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * cli_conf.c - lithsm.conf (cli_conf.h): the files, read with OpenSSL's
 * NCONF (the syntax of lithsm-serve's file), each value checked and kept
 * with the file and line it came from.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/conf.h>
#include <openssl/err.h>

#include "cli_conf.h"
#include "util/safe_file.h"

/* Makefile.am passes $(sysconfdir)/lithsm/lithsm.conf. */
#ifndef LITHSM_SYSCONF_FILE
#define LITHSM_SYSCONF_FILE "/etc/lithsm/lithsm.conf"
#endif

#define MAX_FILES 2
#define MAX_KEYS 256
#define TIMEOUT_S_MAX 600u
#define RETRIES_MAX 10u

static const char *const key_names[CLI_CONF_N] = {
    "module",  "pin-source", "network", "store",
    "ca-file", "timeout",    "retries", "proxy",
};

typedef struct conf_value {
    char *value, *source;
} conf_value;

typedef struct named_key {
    char *name;
    conf_value v;
} named_key;

static struct {
    int loaded;
    char *files[MAX_FILES];
    int read[MAX_FILES];
    size_t n_files;
    conf_value set[CLI_CONF_N];
    named_key keys[MAX_KEYS];
    size_t n_keys;
} conf;

/* The file being read: its path and text, for errors and line numbers. */
typedef struct conf_file {
    const cli_command *cmd;
    const char *path;
    const char *text;
    size_t len;
} conf_file;

const char *cli_conf_name(cli_conf_key k)
{
    return key_names[k];
}

/* Steps *p to the next line of the text: returns the line's first
 * character that is not a blank and sets *nl to its end; NULL after the
 * last line. */
static const char *next_line(const conf_file *f, const char **p,
                             const char **nl)
{
    const char *end = f->text + f->len, *s;

    if (*p >= end)
        return NULL;
    *nl = memchr(*p, '\n', (size_t)(end - *p));
    if (*nl == NULL)
        *nl = end;
    s = *p + strspn(*p, " \t"); /* the text ends with a NUL */
    *p = *nl + 1;
    return s;
}

/* The line of `key` in [section] of the text (the last one: it is the one
 * NCONF keeps), of the section's header when key is NULL, 0 when not
 * found.  Section "default" is before any. */
static unsigned long line_of(const conf_file *f, const char *section,
                             const char *key)
{
    const char *p = f->text, *s, *nl, *q;
    unsigned long line = 0, found = 0;
    int in = strcmp(section, "default") == 0;
    size_t n;

    while ((s = next_line(f, &p, &nl)) != NULL) {
        line++;
        if (s < nl && *s == '[') {
            s += 1 + strspn(s + 1, " \t");
            n = strlen(section);
            q = s + n;
            in = q < nl && strncmp(s, section, n) == 0 &&
                 (q[strspn(q, " \t")] == ']');
            if (in && key == NULL)
                found = line;
            continue;
        }
        if (key == NULL)
            continue;
        n = strlen(key);
        if (in && (size_t)(nl - s) > n && strncmp(s, key, n) == 0 &&
            strchr(" \t=", s[n]) != NULL)
            found = line;
    }
    return found;
}

/* "FILE:LINE" (or "FILE" without a line) in a new string. */
static char *where(const conf_file *f, unsigned long line)
{
    size_t n = strlen(f->path) + 24;
    char *s = malloc(n);

    if (s == NULL)
        return NULL;
    if (line > 0)
        snprintf(s, n, "%s:%lu", f->path, line);
    else
        snprintf(s, n, "%s", f->path);
    return s;
}

/* "FILE:LINE: [section] key: msg" as a CONFIG error; the field is
 * "section.key".  Never echoes a value. */
static int conf_fail(const conf_file *f, const char *section, const char *key,
                     const char *msg)
{
    unsigned long line = key != NULL ? line_of(f, section, key) : 0;
    char field[128];

    snprintf(field, sizeof(field), "%s.%s", section, key != NULL ? key : "");
    if (line > 0)
        cli_error_code(f->cmd, "CONFIG", field, "%s:%lu: [%s] %s: %s", f->path,
                       line, section, key, msg);
    else
        cli_error_code(f->cmd, "CONFIG", field, "%s: [%s] %s%s%s", f->path,
                       section, key != NULL ? key : "", key != NULL ? ": " : "",
                       msg);
    return CLI_EXIT_FAIL;
}

/* Replaces *slot with value from FILE:LINE. */
static int keep(const conf_file *f, conf_value *slot, const char *value,
                const char *section, const char *key)
{
    char *v = strdup(value);
    char *src = where(f, line_of(f, section, key));

    if (v == NULL || src == NULL) {
        free(v);
        free(src);
        cli_error(f->cmd, "out of memory");
        return CLI_EXIT_FAIL;
    }
    free(slot->value);
    free(slot->source);
    slot->value = v;
    slot->source = src;
    return 0;
}

/* A decimal number in lo..hi, or -1. */
static long bounded(const char *text, unsigned long lo, unsigned long hi)
{
    unsigned long v = 0;
    const char *p;

    if (text[0] == '\0' || strlen(text) > 9)
        return -1;
    for (p = text; *p != '\0'; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        v = v * 10 + (unsigned long)(*p - '0');
    }
    return v >= lo && v <= hi ? (long)v : -1;
}

/* Checks one [lithsm] value; 0 or CLI_EXIT_FAIL after reporting. */
static int check_value(const conf_file *f, cli_conf_key k, const char *v,
                       char *ms, size_t ms_len)
{
    const char *name = key_names[k];
    long n;

    if (v[0] == '\0')
        return conf_fail(f, "lithsm", name, "an empty value");
    switch (k) {
    case CLI_CONF_PIN_SOURCE:
        if (lithsm_pin_source_check(v) != LITHSM_OK)
            return conf_fail(f, "lithsm", name,
                             "must be file:PATH or env:NAME (never the PIN "
                             "itself)");
        return 0;
    case CLI_CONF_STORE:
    case CLI_CONF_CA_FILE:
        if (v[0] != '/')
            return conf_fail(f, "lithsm", name, "must be an absolute path");
        return 0;
    case CLI_CONF_TIMEOUT:
        if ((n = bounded(v, 1, TIMEOUT_S_MAX)) < 0)
            return conf_fail(f, "lithsm", name,
                             "must be a number of seconds from 1 to 600");
        snprintf(ms, ms_len, "%ld", n * 1000);
        return 0;
    case CLI_CONF_RETRIES:
        if (bounded(v, 0, RETRIES_MAX) < 0)
            return conf_fail(f, "lithsm", name,
                             "must be a number from 0 to 10");
        return 0;
    default:
        return 0;
    }
}

/* A key that would hold a PIN or password: named so, never echoed. */
static int is_secret_key(const char *name)
{
    return strstr(name, "pin") != NULL && strcmp(name, "pin-source") != 0
               ? 1
               : strstr(name, "password") != NULL || strstr(name, "secret");
}

static int read_settings(const conf_file *f, const CONF *c)
{
    STACK_OF(CONF_VALUE) *sk = NCONF_get_section(c, "lithsm");
    char ms[24];
    int i, k;

    for (i = 0; sk != NULL && i < sk_CONF_VALUE_num(sk); i++) {
        const CONF_VALUE *cv = sk_CONF_VALUE_value(sk, i);
        const char *v = cv->value;

        for (k = 0; k < CLI_CONF_N; k++)
            if (strcmp(cv->name, key_names[k]) == 0)
                break;
        if (k == CLI_CONF_N && is_secret_key(cv->name))
            return conf_fail(f, "lithsm", cv->name,
                             "a PIN or password is never written in "
                             "lithsm.conf: give pin-source = file:PATH or "
                             "env:NAME");
        if (k == CLI_CONF_N)
            return conf_fail(f, "lithsm", cv->name,
                             "unknown key (lithsm.conf knows module, "
                             "pin-source, network, store, ca-file, timeout, "
                             "retries, proxy)");
        if (check_value(f, (cli_conf_key)k, v, ms, sizeof(ms)) != 0)
            return CLI_EXIT_FAIL;
        if (keep(f, &conf.set[k], k == CLI_CONF_TIMEOUT ? ms : v, "lithsm",
                 cv->name) != 0)
            return CLI_EXIT_FAIL;
    }
    return 0;
}

/* The slot of named key `name` (a new one if absent), NULL when full. */
static named_key *key_slot(const char *name)
{
    size_t i;

    for (i = 0; i < conf.n_keys; i++)
        if (strcmp(conf.keys[i].name, name) == 0)
            return &conf.keys[i];
    if (conf.n_keys == MAX_KEYS ||
        (conf.keys[conf.n_keys].name = strdup(name)) == NULL)
        return NULL;
    return &conf.keys[conf.n_keys++];
}

static int read_keys(const conf_file *f, const CONF *c)
{
    STACK_OF(CONF_VALUE) *sk = NCONF_get_section(c, "keys");
    named_key *slot;
    int i;

    for (i = 0; sk != NULL && i < sk_CONF_VALUE_num(sk); i++) {
        const CONF_VALUE *cv = sk_CONF_VALUE_value(sk, i);

        if (strpbrk(cv->name, ":/") != NULL)
            return conf_fail(f, "keys", cv->name,
                             "a key name holds no ':' or '/'");
        if (cv->value[0] == '\0')
            return conf_fail(f, "keys", cv->name, "an empty value");
        if (strstr(cv->value, "pin-value") != NULL)
            return conf_fail(f, "keys", cv->name,
                             "a PIN is never written in lithsm.conf (the URI "
                             "has pin-value): give pin-source");
        if (strncmp(cv->value, "pkcs11:", 7) != 0 && cv->value[0] != '/')
            return conf_fail(f, "keys", cv->name,
                             "must be a pkcs11: URI or an absolute path");
        if ((slot = key_slot(cv->name)) == NULL) {
            cli_error(f->cmd, "%s: too many named keys (the limit is %d)",
                      f->path, MAX_KEYS);
            return CLI_EXIT_FAIL;
        }
        if (keep(f, &slot->v, cv->value, "keys", cv->name) != 0)
            return CLI_EXIT_FAIL;
    }
    return 0;
}

/* Every section but [lithsm] and [keys] is an error, and so is a key
 * before the first section. */
static int check_sections(const conf_file *f, const CONF *c)
{
    STACK_OF(OPENSSL_CSTRING) *names = NCONF_get_section_names(c);
    STACK_OF(CONF_VALUE) *sk = NCONF_get_section(c, "default");
    const char *name;
    int i, rc = 0;

    if (sk != NULL && sk_CONF_VALUE_num(sk) > 0) {
        name = sk_CONF_VALUE_value(sk, 0)->name;
        sk_OPENSSL_CSTRING_free(names);
        return conf_fail(f, "default", name,
                         "a key outside [lithsm] and [keys]");
    }
    for (i = 0; rc == 0 && names != NULL && i < sk_OPENSSL_CSTRING_num(names);
         i++) {
        name = sk_OPENSSL_CSTRING_value(names, i);
        if (strcmp(name, "lithsm") != 0 && strcmp(name, "keys") != 0 &&
            strcmp(name, "default") != 0) {
            cli_error_code(f->cmd, "CONFIG", name,
                           "%s:%lu: unknown section [%s] (lithsm.conf has "
                           "[lithsm] and [keys])",
                           f->path, line_of(f, name, NULL), name);
            rc = CLI_EXIT_FAIL;
        }
    }
    sk_OPENSSL_CSTRING_free(names);
    return rc;
}

/* NCONF's directives (.include, .pragma) would read other files or change
 * the syntax: lithsm.conf has none. */
static int check_directives(const conf_file *f)
{
    const char *p = f->text, *s, *nl;
    unsigned long line = 0;

    while ((s = next_line(f, &p, &nl)) != NULL) {
        line++;
        if (s < nl && *s == '.') {
            cli_error_code(f->cmd, "CONFIG", NULL,
                           "%s:%lu: directives (.include, .pragma) are not "
                           "read in lithsm.conf",
                           f->path, line);
            return CLI_EXIT_FAIL;
        }
    }
    return 0;
}

/* Parses the text of one file into the settings. */
static int read_text(const conf_file *f)
{
    CONF *c = NCONF_new(NULL);
    BIO *bio = BIO_new_mem_buf(f->text, (int)f->len);
    long eline = 0;
    int rc = CLI_EXIT_FAIL;

    if (c == NULL || bio == NULL) {
        cli_error(f->cmd, "out of memory");
    } else if (check_directives(f) != 0) {
        /* reported */
    } else if (NCONF_load_bio(c, bio, &eline) <= 0) {
        const char *why = ERR_reason_error_string(ERR_peek_last_error());

        cli_error_code(f->cmd, "CONFIG", NULL,
                       "%s:%ld: not OpenSSL configuration syntax (%s; lines "
                       "are [section] or key = value)",
                       f->path, eline, why != NULL ? why : "unreadable");
        ERR_clear_error();
    } else if (check_sections(f, c) == 0 && read_settings(f, c) == 0 &&
               read_keys(f, c) == 0) {
        rc = 0;
    }
    BIO_free(bio);
    NCONF_free(c);
    return rc;
}

/* The file names the PKCS#11 module the CLI loads: only its owner (you
 * or root) may write it, as ssh wants of its configuration. */
static int check_owner(const cli_command *cmd, const char *path)
{
    struct stat st;

    if (stat(path, &st) != 0)
        return 0; /* it was just read: gone since, nothing to trust less */
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0 ||
        (st.st_uid != getuid() && st.st_uid != 0)) {
        cli_error_code(cmd, "CONFIG", NULL,
                       "the configuration file '%s' is writable by others "
                       "or owned by another user (it names the module lithsm "
                       "loads): chmod go-w, owned by you or root",
                       path);
        return CLI_EXIT_FAIL;
    }
    return 0;
}

/* Reads one file; a missing one is no error unless `required`. */
static int read_file(const cli_command *cmd, const char *path, int required)
{
    conf_file f = { cmd, NULL, NULL, 0 };
    lithsm_file_status st;
    char *text = NULL;
    size_t len = 0;
    int err = 0, rc;

    if ((f.path = conf.files[conf.n_files] = strdup(path)) == NULL) {
        cli_error(cmd, "out of memory");
        return CLI_EXIT_FAIL;
    }
    conf.n_files++;
    st = lithsm_file_read(path, 0, CLI_MAX_FILE, &text, &len, &err);
    if (st == LITHSM_FILE_ERRNO && err == ENOENT && !required)
        return 0;
    if (st != LITHSM_FILE_OK) {
        cli_error_code(cmd, "CONFIG", NULL,
                       "cannot read the configuration "
                       "file '%s': %s",
                       path,
                       st == LITHSM_FILE_TOO_LARGE
                           ? "it is larger than 1 MiB"
                           : lithsm_file_problem(st, err));
        return CLI_EXIT_FAIL;
    }
    if (check_owner(cmd, path) != 0) {
        lithsm_file_free(text, len);
        return CLI_EXIT_FAIL;
    }
    conf.read[conf.n_files - 1] = 1;
    f.text = text;
    f.len = len;
    rc = read_text(&f);
    lithsm_file_free(text, len);
    return rc;
}

/* ${XDG_CONFIG_HOME:-~/.config}/lithsm/lithsm.conf in buf, or 0 when
 * neither is known (no HOME). */
static int user_file(char *buf, size_t size)
{
    const char *xdg = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");
    int n;

    /* The XDG rule: a relative XDG_CONFIG_HOME is ignored. */
    if (xdg != NULL && xdg[0] == '/')
        n = snprintf(buf, size, "%s/lithsm/lithsm.conf", xdg);
    else if (home != NULL && home[0] == '/')
        n = snprintf(buf, size, "%s/.config/lithsm/lithsm.conf", home);
    else
        return 0;
    return n > 0 && (size_t)n < size;
}

int cli_conf_load(const cli_command *cmd)
{
    const char *only = getenv("LITHSM_CONF");
    char user[4096];

    if (conf.loaded)
        return 0;
    conf.loaded = 1;
    if (only != NULL) {
        if (only[0] == '\0') {
            cli_error_code(cmd, "CONFIG", "LITHSM_CONF",
                           "LITHSM_CONF is set but empty (unset it to read "
                           "the system and user files)");
            return CLI_EXIT_FAIL;
        }
        return read_file(cmd, only, 1);
    }
    if (read_file(cmd, LITHSM_SYSCONF_FILE, 0) != 0)
        return CLI_EXIT_FAIL;
    if (user_file(user, sizeof(user)) && read_file(cmd, user, 0) != 0)
        return CLI_EXIT_FAIL;
    return 0;
}

void cli_conf_free(void)
{
    size_t i;
    int k;

    for (i = 0; i < conf.n_files; i++)
        free(conf.files[i]);
    for (k = 0; k < CLI_CONF_N; k++) {
        free(conf.set[k].value);
        free(conf.set[k].source);
    }
    for (i = 0; i < conf.n_keys; i++) {
        free(conf.keys[i].name);
        free(conf.keys[i].v.value);
        free(conf.keys[i].v.source);
    }
    memset(&conf, 0, sizeof(conf));
}

const char *cli_conf_get(cli_conf_key k, const char **source)
{
    if (source != NULL)
        *source = conf.set[k].source;
    return conf.set[k].value;
}

const char *cli_conf_named_key(const char *name, const char **source)
{
    size_t i;

    if (strpbrk(name, ":/") != NULL)
        return NULL;
    for (i = 0; i < conf.n_keys; i++)
        if (strcmp(conf.keys[i].name, name) == 0) {
            if (source != NULL)
                *source = conf.keys[i].v.source;
            return conf.keys[i].v.value;
        }
    return NULL;
}

const char *cli_conf_key_at(size_t n, const char **name, const char **source)
{
    if (n >= conf.n_keys)
        return NULL;
    *name = conf.keys[n].name;
    if (source != NULL)
        *source = conf.keys[n].v.source;
    return conf.keys[n].v.value;
}

const char *cli_conf_file_at(size_t n, int *read)
{
    if (n >= conf.n_files)
        return NULL;
    *read = conf.read[n];
    return conf.files[n];
}

/* 1 when the lithsm section of openssl.cnf (OPENSSL_CONF, else OpenSSL's
 * own file) names a module-path: the library uses it then. */
static int openssl_cnf_names_module(char *file_out, size_t size)
{
    char *file = CONF_get1_default_config_file();
    CONF *c = NCONF_new(NULL);
    const char *init, *providers, *section;
    int named = 0;

    if (file != NULL && c != NULL && NCONF_load(c, file, NULL) > 0 &&
        (init = NCONF_get_string(c, NULL, "openssl_conf")) != NULL &&
        (providers = NCONF_get_string(c, init, "providers")) != NULL &&
        (section = NCONF_get_string(c, providers, "lithsm")) != NULL &&
        NCONF_get_string(c, section, "module-path") != NULL) {
        named = 1;
        snprintf(file_out, size, "openssl.cnf %s", file);
    }
    ERR_clear_error();
    NCONF_free(c);
    OPENSSL_free(file);
    return named;
}

const char *cli_conf_default_module(const char **source)
{
    static char from[512];

    *source = "default";
    if (openssl_cnf_names_module(from, sizeof(from))) {
        *source = from;
        return NULL;
    }
#ifdef LITHSM_P11KIT_PROXY
    if (access(LITHSM_P11KIT_PROXY, R_OK) == 0)
        return LITHSM_P11KIT_PROXY;
#endif
    return NULL;
}

void cli_conf_notes(const cli_command *cmd)
{
    size_t i;

    for (i = 0; i < conf.n_files; i++) {
        if (conf.read[i])
            cli_note(cmd, 1, "read the configuration file %s", conf.files[i]);
        else
            cli_note(cmd, 2, "no configuration file %s", conf.files[i]);
    }
}
