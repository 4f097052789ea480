/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * config.c - lithsm-serve's configuration file (serve.h), in OpenSSL
 * configuration syntax, read by OpenSSL's NCONF: sections [serve],
 * [keys] and [network.NAME]; any other section or key is an error naming
 * it.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/conf.h>

#include "serve.h"

static void set_err(char *err, size_t err_len, const char *fmt, ...)
    CLI_PRINTF(3, 4);

static void set_err(char *err, size_t err_len, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err, err_len, fmt, ap);
    va_end(ap);
}

/* A copy of path, taken from dir when relative (dir NULL: as is). */
static char *resolve(const char *dir, const char *path)
{
    size_t n;
    char *out;

    if (path[0] == '/' || dir == NULL)
        return strdup(path);
    n = strlen(dir) + strlen(path) + 2;
    if ((out = malloc(n)) != NULL)
        snprintf(out, n, "%s/%s", dir, path);
    return out;
}

/* A decimal number from 1 to max. */
static int parse_count(const char *text, unsigned long max, unsigned long *out)
{
    char *end;
    unsigned long v;

    if (text[0] < '0' || text[0] > '9')
        return -1;
    v = strtoul(text, &end, 10);
    if (*end != '\0' || v < 1 || v > max)
        return -1;
    *out = v;
    return 0;
}

/* listen = 127.0.0.1:PORT (IPv4; PORT 0 picks a free port). */
static int parse_listen(serve_config *cfg, const char *v, char *err,
                        size_t err_len)
{
    const char *colon = strrchr(v, ':');
    struct in_addr in;
    unsigned long port;
    char *end;

    if (colon == NULL || (size_t)(colon - v) >= sizeof(cfg->host))
        goto bad;
    memcpy(cfg->host, v, (size_t)(colon - v));
    cfg->host[colon - v] = '\0';
    if (inet_pton(AF_INET, cfg->host, &in) != 1 || colon[1] < '0' ||
        colon[1] > '9')
        goto bad;
    port = strtoul(colon + 1, &end, 10);
    if (*end != '\0' || port > 65535)
        goto bad;
    cfg->port = (uint16_t)port;
    return 0;
bad:
    set_err(err, err_len, "serve/listen: not IPV4:PORT (PORT 0 to 65535)");
    return -1;
}

/* The [serve] members that name a file, and where each goes. */
static char **path_slot(serve_config *cfg, const char *name)
{
    if (strcmp(name, "tls_cert") == 0)
        return &cfg->tls_cert;
    if (strcmp(name, "tls_key") == 0)
        return &cfg->tls_key;
    if (strcmp(name, "client_ca") == 0)
        return &cfg->client_ca;
    if (strcmp(name, "audit") == 0)
        return &cfg->audit;
    if (strcmp(name, "policy") == 0)
        return &cfg->policy;
    if (strcmp(name, "listen_unix") == 0)
        return &cfg->listen_unix;
    if (strcmp(name, "store") == 0)
        return &cfg->store;
    return NULL;
}

/* instance = NAME: 1 to 64 of A-Z a-z 0-9 . _ - (`from` says where the
 * name came from, for the message). */
static int instance_set(serve_config *cfg, const char *v, const char *from,
                        char *err, size_t err_len)
{
    size_t n = strlen(v);

    if (n == 0 || n >= sizeof(cfg->instance) ||
        strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                  "0123456789._-") != n) {
        set_err(err, err_len,
                "serve/instance: %s'%.64s' is not 1 to 64 of A-Z a-z 0-9 . _ -",
                from, v);
        return -1;
    }
    memcpy(cfg->instance, v, n + 1);
    return 0;
}

/* The PostgreSQL locations: no password in them; the instance's name
 * (default: the host name). */
static int pg_members(serve_config *cfg, char *err, size_t err_len)
{
    char host[256];

    if ((serve_is_pg(cfg->audit) &&
         serve_pg_check("audit", cfg->audit, err, err_len) != 0) ||
        (serve_is_pg(cfg->store) &&
         serve_pg_check("store", cfg->store, err, err_len) != 0) ||
        (cfg->rate_limits != NULL &&
         serve_pg_check("rate_limits", cfg->rate_limits, err, err_len) != 0))
        return -1;
    if (cfg->instance[0] != '\0')
        return 0;
    if (gethostname(host, sizeof(host)) != 0) {
        set_err(err, err_len, "serve/instance: no host name: set instance");
        return -1;
    }
    host[sizeof(host) - 1] = '\0';
    return instance_set(cfg, host, "the host name (set instance) ", err,
                        err_len);
}

static int serve_member(serve_config *cfg, const char *dir, const char *name,
                        const char *v, char *err, size_t err_len)
{
    char **slot = path_slot(cfg, name);
    unsigned long n;

    if (slot != NULL) {
        free(*slot);
        /* audit and store may be a database (checked in pg_members). */
        if ((*slot = serve_is_pg(v) ? strdup(v) : resolve(dir, v)) == NULL)
            goto oom;
        return 0;
    }
    if (strcmp(name, "rate_limits") == 0) {
        free(cfg->rate_limits);
        if ((cfg->rate_limits = strdup(v)) == NULL)
            goto oom;
        return 0;
    }
    if (strcmp(name, "instance") == 0)
        return instance_set(cfg, v, "", err, err_len);
    if (strcmp(name, "listen") == 0)
        return parse_listen(cfg, v, err, err_len);
    if (strcmp(name, "module") == 0 || strcmp(name, "pin_source") == 0 ||
        strcmp(name, "store_wrap_key") == 0) {
        slot = name[0] == 'm'   ? &cfg->module
               : name[0] == 'p' ? &cfg->pin_source
                                : &cfg->store_wrap_key;
        free(*slot);
        if ((*slot = strdup(v)) == NULL)
            goto oom;
        return 0;
    }
    if (strcmp(name, "max_body") == 0) {
        if (parse_count(v, SERVE_MAX_BODY_LIMIT, &n) != 0)
            goto range;
        cfg->max_body = n;
    } else if (strcmp(name, "max_connections") == 0) {
        if (parse_count(v, SERVE_MAX_CONNECTIONS_LIMIT, &n) != 0)
            goto range;
        cfg->max_connections = (unsigned)n;
    } else if (strcmp(name, "request_timeout_s") == 0) {
        if (parse_count(v, 3600, &n) != 0)
            goto range;
        cfg->request_timeout_s = (unsigned)n;
    } else if (strcmp(name, "listen_unix_mode") == 0) {
        return serve_listen_mode_parse(cfg, v, err, err_len);
    } else {
        set_err(err, err_len, "serve/%s: unknown key", name);
        return -1;
    }
    return 0;
range:
    set_err(err, err_len, "serve/%s: not a whole number in range", name);
    return -1;
oom:
    set_err(err, err_len, "out of memory");
    return -1;
}

static int read_serve(serve_config *cfg, CONF *conf, const char *dir, char *err,
                      size_t err_len)
{
    STACK_OF(CONF_VALUE) *sec = NCONF_get_section(conf, "serve");
    int i;

    if (sec == NULL) {
        set_err(err, err_len, "serve: the section is missing");
        return -1;
    }
    for (i = 0; i < sk_CONF_VALUE_num(sec); i++) {
        CONF_VALUE *cv = sk_CONF_VALUE_value(sec, i);

        if (serve_member(cfg, dir, cv->name, cv->value, err, err_len) != 0)
            return -1;
    }
    if (cfg->audit == NULL || cfg->policy == NULL) {
        set_err(err, err_len, "serve: audit and policy are required");
        return -1;
    }
    if (pg_members(cfg, err, err_len) != 0)
        return -1;
    return serve_listen_check(cfg, err, err_len);
}

static int key_name_ok(const char *name)
{
    size_t i, n = strlen(name);

    if (n == 0 || n > 64)
        return 0;
    for (i = 0; i < n; i++)
        if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                   "0123456789_-.",
                   name[i]) == NULL)
            return 0;
    return 1;
}

static int read_keys(serve_config *cfg, CONF *conf, const char *dir, char *err,
                     size_t err_len)
{
    STACK_OF(CONF_VALUE) *sec = NCONF_get_section(conf, "keys");
    int i, n;

    n = sec == NULL ? 0 : sk_CONF_VALUE_num(sec);
    if (n == 0) {
        set_err(err, err_len, "keys: no key is named");
        return -1;
    }
    if ((cfg->keys = calloc((size_t)n, sizeof(*cfg->keys))) == NULL)
        goto oom;
    for (i = 0; i < n; i++) {
        CONF_VALUE *cv = sk_CONF_VALUE_value(sec, i);
        serve_key *k = &cfg->keys[cfg->n_keys];

        if (!key_name_ok(cv->name)) {
            set_err(err, err_len,
                    "keys/%.64s: a key name is 1 to 64 of A-Z a-z 0-9 _ - .",
                    cv->name);
            return -1;
        }
        /* NCONF keeps one of two equal names; this is a second guard. */
        if (serve_find_key(&(serve){ .cfg = *cfg }, cv->name) != NULL) {
            set_err(err, err_len, "keys/%s: named twice", cv->name);
            return -1;
        }
        k->name = strdup(cv->name);
        k->uri = strncmp(cv->value, "pkcs11:", 7) == 0
                     ? strdup(cv->value)
                     : resolve(dir, cv->value);
        cfg->n_keys++;
        if (k->name == NULL || k->uri == NULL)
            goto oom;
    }
    return 0;
oom:
    set_err(err, err_len, "out of memory");
    return -1;
}

/* ---- [network.NAME]: a network of POST /v1/session-sigs */

/* NAME: 1 to 32 of a-z 0-9 _ - (it is part of the store's entry names). */
static int network_name_ok(const char *name)
{
    size_t n = strlen(name);

    return n >= 1 && n <= 32 &&
           strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

/* nodes = URL, URL ...: each a node URL, none twice. */
static int parse_nodes(serve_network *n, const char *v, char *err,
                       size_t err_len)
{
    char *copy = strdup(v), *tok, *save = NULL;
    size_t i;

    if (copy == NULL)
        goto oom;
    for (tok = strtok_r(copy, ", \t", &save); tok != NULL;
         tok = strtok_r(NULL, ", \t", &save)) {
        char **grown = realloc(n->nodes, (n->n_nodes + 1) * sizeof(char *));

        if (grown == NULL)
            goto oom;
        n->nodes = grown;
        if (lithsm_node_url_check(tok) != LITHSM_OK) {
            set_err(err, err_len, "network.%s/nodes: %s", n->name,
                    lithsm_last_error());
            free(copy);
            return -1;
        }
        for (i = 0; i < n->n_nodes; i++)
            if (strcmp(n->nodes[i], tok) == 0) {
                set_err(err, err_len, "network.%s/nodes: %.200s is given twice",
                        n->name, tok);
                free(copy);
                return -1;
            }
        if ((n->nodes[n->n_nodes] = strdup(tok)) == NULL)
            goto oom;
        n->n_nodes++;
    }
    free(copy);
    return 0;
oom:
    free(copy);
    set_err(err, err_len, "out of memory");
    return -1;
}

/* The string members of a network section, and where each goes. */
static char **network_slot(serve_network *n, const char *key)
{
    if (strcmp(key, "preset") == 0)
        return &n->preset;
    if (strcmp(key, "rpc") == 0)
        return &n->rpc;
    if (strcmp(key, "staking") == 0)
        return &n->staking;
    if (strcmp(key, "proxy") == 0)
        return &n->proxy;
    return NULL;
}

static int network_member(serve_network *n, const char *dir, const char *key,
                          const char *v, char *err, size_t err_len)
{
    char **slot = network_slot(n, key);
    unsigned long u;

    if (strcmp(key, "ca_file") == 0)
        slot = &n->ca_file;
    if (slot != NULL) {
        free(*slot);
        if ((*slot = slot == &n->ca_file ? resolve(dir, v) : strdup(v)) ==
            NULL) {
            set_err(err, err_len, "out of memory");
            return -1;
        }
    } else if (strcmp(key, "nodes") == 0) {
        return parse_nodes(n, v, err, err_len);
    } else if (strcmp(key, "insecure") == 0) {
        if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0)
            goto bad;
        n->insecure = v[0] == 'y';
    } else if (strcmp(key, "min_nodes") == 0) {
        if (parse_count(v, 1024, &u) != 0)
            goto bad;
        n->min_nodes = u;
    } else if (strcmp(key, "timeout_ms") == 0) {
        if (parse_count(v, 600000, &u) != 0)
            goto bad;
        n->timeout_ms = (long)u;
    } else if (strcmp(key, "retries") == 0) {
        if (strcmp(v, "0") != 0 && parse_count(v, 10, &u) != 0)
            goto bad;
        n->retries = strcmp(v, "0") == 0 ? 0 : (int)u;
    } else {
        set_err(err, err_len, "network.%s/%s: unknown key", n->name, key);
        return -1;
    }
    return 0;
bad:
    set_err(err, err_len, "network.%s/%s: '%.64s' is not allowed here", n->name,
            key, v);
    return -1;
}

/* Exactly one source of nodes: preset, rpc with staking, or nodes. */
static int network_check(const serve_network *n, char *err, size_t err_len)
{
    int modes = (n->preset != NULL) + (n->rpc != NULL || n->staking != NULL) +
                (n->n_nodes > 0);

    if (modes != 1)
        set_err(err, err_len,
                "network.%s: give one of preset, rpc with staking, or nodes",
                n->name);
    else if ((n->rpc != NULL) != (n->staking != NULL))
        set_err(err, err_len, "network.%s: rpc and staking go together",
                n->name);
    else if (n->insecure && n->ca_file != NULL)
        set_err(err, err_len,
                "network.%s: insecure and ca_file exclude each "
                "other",
                n->name);
    else if (n->n_nodes > 0 && n->min_nodes > n->n_nodes)
        set_err(err, err_len, "network.%s: min_nodes is above the nodes given",
                n->name);
    else
        return 0;
    return -1;
}

static int read_networks(serve_config *cfg, CONF *conf, const char *dir,
                         char *err, size_t err_len)
{
    STACK_OF(OPENSSL_CSTRING) *names = NCONF_get_section_names(conf);
    int i, j, rc = 0;

    if (names == NULL ||
        (cfg->networks = calloc((size_t)sk_OPENSSL_CSTRING_num(names) + 1,
                                sizeof(*cfg->networks))) == NULL) {
        sk_OPENSSL_CSTRING_free(names);
        set_err(err, err_len, "out of memory");
        return -1;
    }
    for (i = 0; i < sk_OPENSSL_CSTRING_num(names) && rc == 0; i++) {
        const char *name = sk_OPENSSL_CSTRING_value(names, i);
        STACK_OF(CONF_VALUE) *sec = NCONF_get_section(conf, name);
        serve_network *n = &cfg->networks[cfg->n_networks];

        if (strncmp(name, "network.", 8) != 0)
            continue;
        if (!network_name_ok(name + 8)) {
            set_err(err, err_len,
                    "%.64s: a network name is 1 to 32 of a-z "
                    "0-9 _ -",
                    name);
            rc = -1;
            break;
        }
        cfg->n_networks++;
        n->retries = -1;
        if ((n->name = strdup(name + 8)) == NULL) {
            set_err(err, err_len, "out of memory");
            rc = -1;
        }
        for (j = 0; rc == 0 && j < sk_CONF_VALUE_num(sec); j++) {
            CONF_VALUE *cv = sk_CONF_VALUE_value(sec, j);

            rc = network_member(n, dir, cv->name, cv->value, err, err_len);
        }
        if (rc == 0)
            rc = network_check(n, err, err_len);
    }
    sk_OPENSSL_CSTRING_free(names);
    return rc;
}

static void free_networks(serve_config *cfg)
{
    size_t i, j;

    for (i = 0; i < cfg->n_networks; i++) {
        serve_network *n = &cfg->networks[i];

        for (j = 0; j < n->n_nodes; j++)
            free(n->nodes[j]);
        free(n->nodes);
        free(n->name);
        free(n->preset);
        free(n->rpc);
        free(n->staking);
        free(n->ca_file);
        free(n->proxy);
    }
    free(cfg->networks);
}

/* Every section must be [serve], [keys] or [network.NAME] (or an empty
 * default). */
static int check_sections(CONF *conf, char *err, size_t err_len)
{
    STACK_OF(OPENSSL_CSTRING) *names = NCONF_get_section_names(conf);
    int i, rc = 0;

    if (names == NULL) {
        set_err(err, err_len, "out of memory");
        return -1;
    }
    for (i = 0; i < sk_OPENSSL_CSTRING_num(names) && rc == 0; i++) {
        const char *name = sk_OPENSSL_CSTRING_value(names, i);
        STACK_OF(CONF_VALUE) *sec = NCONF_get_section(conf, name);

        if (strcmp(name, "serve") == 0 || strcmp(name, "keys") == 0 ||
            strncmp(name, "network.", 8) == 0)
            continue;
        if (strcmp(name, "default") == 0 && sk_CONF_VALUE_num(sec) <= 0)
            continue;
        if (strcmp(name, "default") == 0)
            set_err(err, err_len, "%s: a key before any section",
                    sk_CONF_VALUE_value(sec, 0)->name);
        else
            set_err(err, err_len, "%s: unknown section", name);
        rc = -1;
    }
    sk_OPENSSL_CSTRING_free(names);
    return rc;
}

int serve_config_load(serve_config *cfg, const char *path, char *err,
                      size_t err_len)
{
    CONF *conf = NCONF_new(NULL);
    const char *slash = strrchr(path, '/');
    char *dir = NULL;
    long eline = -1;
    int rc = -1;

    memset(cfg, 0, sizeof(*cfg));
    cfg->max_body = SERVE_MAX_BODY_DEFAULT;
    cfg->max_connections = SERVE_MAX_CONNECTIONS_DEFAULT;
    cfg->request_timeout_s = SERVE_TIMEOUT_DEFAULT;
    cfg->listen_unix_mode = SERVE_UNIX_MODE_DEFAULT;
    if (conf == NULL ||
        (slash != NULL &&
         (dir = strndup(path, (size_t)(slash - path + (slash == path)))) ==
             NULL)) {
        set_err(err, err_len, "out of memory");
        goto done;
    }
    if (NCONF_load(conf, path, &eline) <= 0) {
        if (eline > 0)
            set_err(err, err_len, "'%s': line %ld: not OpenSSL configuration",
                    path, eline);
        else
            set_err(err, err_len, "cannot read '%s'", path);
        goto done;
    }
    if (check_sections(conf, err, err_len) == 0 &&
        read_serve(cfg, conf, dir, err, err_len) == 0 &&
        read_keys(cfg, conf, dir, err, err_len) == 0 &&
        read_networks(cfg, conf, dir, err, err_len) == 0)
        rc = 0;
done:
    free(dir);
    NCONF_free(conf);
    if (rc != 0)
        serve_config_free(cfg);
    return rc;
}

void serve_config_free(serve_config *cfg)
{
    size_t i;

    for (i = 0; i < cfg->n_keys; i++) {
        if (cfg->keys[i].lock_ok)
            pthread_rwlock_destroy(&cfg->keys[i].lock);
        lithsm_signer_free(cfg->keys[i].signer);
        free(cfg->keys[i].name);
        free(cfg->keys[i].uri);
    }
    free(cfg->keys);
    free_networks(cfg);
    free(cfg->tls_cert);
    free(cfg->tls_key);
    free(cfg->client_ca);
    free(cfg->audit);
    free(cfg->policy);
    free(cfg->listen_unix);
    free(cfg->module);
    free(cfg->pin_source);
    free(cfg->store);
    free(cfg->store_wrap_key);
    free(cfg->rate_limits);
    memset(cfg, 0, sizeof(*cfg));
}

serve_key *serve_find_key(serve *s, const char *name)
{
    size_t i;

    for (i = 0; i < s->cfg.n_keys; i++)
        if (strcmp(s->cfg.keys[i].name, name) == 0)
            return &s->cfg.keys[i];
    return NULL;
}
