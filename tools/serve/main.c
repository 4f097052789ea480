/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * main.c - lithsm-serve, the signing service ('lithsm serve' runs it):
 * reads the configuration, opens every key once and the audit trail,
 * listens with mutual TLS and/or on a unix socket (listen.c), prints one
 * JSON line when ready, serves until SIGTERM or SIGINT, then drains the
 * requests in flight and exits 0.  With --migrate: creates or upgrades
 * the schema of every PostgreSQL location of the configuration (pg.c)
 * and exits.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "serve.h"
#include "util/safe_file.h"

/* serve_help.inc: the manual page (doc/cli/lithsm-serve.txt). */
#include "serve_help.inc"

static int serve_run(const cli_command *cmd, int argc, char **argv);

static const cli_command cmd_serve = {
    "serve",
    "run the signing service (mTLS, policy, audit trail)",
    "lithsm serve --config FILE [--migrate]",
    cli_help_serve,
    serve_run,
};

static int open_audit(const cli_command *cmd, serve *s)
{
    char *warning = NULL, shown[256];

    if (lithsm_audit_open(&s->audit, &warning, s->cfg.audit) != LITHSM_OK) {
        cli_error(cmd, "serve/audit: %s", lithsm_last_error());
        return -1;
    }
    if (warning != NULL) {
        serve_redact(shown, sizeof(shown), s->cfg.audit);
        serve_log("warning", warning, "audit", shown);
        lithsm_free(warning);
    }
    return 0;
}

static int open_policy(const cli_command *cmd, serve *s)
{
    if (lithsm_policy_load(&s->policy, s->cfg.policy) != LITHSM_OK) {
        cli_error(cmd, "serve/policy: %s", lithsm_last_error());
        return -1;
    }
    return 0;
}

/* SIGHUP: the new policy replaces the old only when it loads; requests
 * deciding meanwhile keep their reference to the old one. */
static void reload_policy(serve *s)
{
    lithsm_policy *p = NULL, *old;

    if (lithsm_policy_load(&p, s->cfg.policy) != LITHSM_OK) {
        serve_log("error", "SIGHUP: the policy is kept; the new file fails",
                  "error", lithsm_last_error());
        return;
    }
    lithsm_policy_set_rates(p, s->rates);
    pthread_mutex_lock(&s->policy_lock);
    old = s->policy;
    s->policy = p;
    pthread_mutex_unlock(&s->policy_lock);
    lithsm_policy_free(old);
    serve_log("info", "SIGHUP: policy reloaded", NULL, NULL);
}

static int start_daemon(const cli_command *cmd, serve *s)
{
    struct sockaddr_in sa;
    struct MHD_OptionItem opts[12];
    const union MHD_DaemonInfo *info;
    unsigned flags = MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD |
                     MHD_USE_THREAD_PER_CONNECTION | MHD_USE_TLS | MHD_USE_ITC;
    size_t n = 0;

    if (s->cfg.host[0] == '\0') /* only the unix socket */
        return serve_unix_start(cmd, s);
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons(s->cfg.port);
    inet_pton(AF_INET, s->cfg.host, &sa.sin_addr);
    opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_SOCK_ADDR, 0, &sa };
    opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_NOTIFY_CONNECTION,
                                         (intptr_t)serve_on_connection, s };
    n += serve_daemon_options(opts + n, s);
    opts[n++] =
        (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY, 0, s->key_pem };
    opts[n++] =
        (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT, 0, s->cert_pem };
    opts[n++] =
        (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_TRUST, 0, s->ca_pem };
    opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
    s->daemon = MHD_start_daemon(flags, 0, NULL, NULL, serve_on_request, s,
                                 MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
    if (s->daemon == NULL) {
        cli_error(cmd, "cannot listen on %s:%u with TLS", s->cfg.host,
                  (unsigned)s->cfg.port);
        return -1;
    }
    info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    if (info == NULL || info->port == 0) {
        cli_error(cmd, "cannot learn the port it listens on");
        return -1;
    }
    s->port = info->port;
    return serve_unix_start(cmd, s);
}

static int print_start_line(const cli_command *cmd, serve *s)
{
    json_object *obj = json_object_new_object();
    char url[96];
    const char *text = NULL;

    snprintf(url, sizeof(url), "https://%s:%u", s->cfg.host, (unsigned)s->port);
    if (obj != NULL &&
        (s->daemon == NULL || cli_json_add_str(obj, "url", url) == 0) &&
        (s->cfg.listen_unix == NULL ||
         cli_json_add_str(obj, "unix", s->cfg.listen_unix) == 0) &&
        cli_json_add_str(obj, "instance", s->cfg.instance) == 0 &&
        cli_json_add_int(obj, "pid", (int64_t)getpid()) == 0)
        text = json_object_to_json_string_ext(obj, SERVE_JSON_FLAGS);
    if (text == NULL || printf("%s\n", text) < 0 || fflush(stdout) != 0) {
        json_object_put(obj);
        cli_error(cmd, "cannot write the start line");
        return -1;
    }
    json_object_put(obj);
    return 0;
}

/* Stops taking connections, waits (up to the request timeout) for the
 * requests in flight to be answered, then stops. */
static void drain(serve *s)
{
    MHD_socket fd = MHD_INVALID_SOCKET;
    struct timespec tick = { 0, 10 * 1000 * 1000 };
    unsigned long waited_ms = 0;

    if (s->daemon != NULL &&
        (fd = MHD_quiesce_daemon(s->daemon)) != MHD_INVALID_SOCKET)
        close(fd);
    serve_unix_quiesce(s);
    while (atomic_load(&s->in_flight) != 0 &&
           waited_ms < 1000ul * s->cfg.request_timeout_s) {
        nanosleep(&tick, NULL);
        waited_ms += 10;
    }
    if (s->daemon != NULL)
        MHD_stop_daemon(s->daemon);
    s->daemon = NULL;
    serve_unix_stop(s);
}

/* Serves until SIGTERM or SIGINT; SIGHUP reloads the policy. */
static void wait_for_stop(serve *s, const sigset_t *stop)
{
    int sig = 0;

    for (;;) {
        if (sigwait(stop, &sig) != 0)
            continue;
        if (sig != SIGHUP)
            break;
        serve_notify(s, SERVE_NOTIFY_RELOADING);
        reload_policy(s);
        serve_notify(s, SERVE_NOTIFY_READY);
    }
    serve_notify(s, SERVE_NOTIFY_STOPPING);
    serve_log("info", "stopping: draining the requests in flight", "signal",
              sig == SIGTERM ? "SIGTERM" : "SIGINT");
}

static void release(serve *s)
{
    if (s->daemon != NULL)
        MHD_stop_daemon(s->daemon);
    serve_unix_stop(s);
    serve_lit_close(s);
    lithsm_audit_close(s->audit);
    lithsm_policy_free(s->policy);
    lithsm_rates_free(s->rates);
    if (s->db.lock_ok)
        pthread_mutex_destroy(&s->db.lock);
    serve_metrics_free(s->metrics);
    pthread_mutex_destroy(&s->policy_lock);
    if (s->key_pem != NULL) {
        OPENSSL_cleanse(s->key_pem, s->key_pem_len);
        free(s->key_pem);
    }
    free(s->cert_pem);
    free(s->ca_pem);
    serve_config_free(&s->cfg);
    serve_keys_close();
}

static int serve_start(const cli_command *cmd, const char *config,
                       const sigset_t *stop)
{
    serve s;
    char err[512];
    int rc = CLI_EXIT_FAIL;

    memset(&s, 0, sizeof(s));
    pthread_mutex_init(&s.policy_lock, NULL);
    s.db.lock_ok = pthread_mutex_init(&s.db.lock, NULL) == 0;
    /* Before the TLS key, the PIN and the keys are read: no core dump. */
    if (lithsm_protect_process() != 0)
        serve_log("warning", "core dumps could not be turned off", NULL, NULL);
    if ((s.metrics = serve_metrics_new()) == NULL) {
        cli_error(cmd, "out of memory");
        goto done;
    }
    if (serve_config_load(&s.cfg, config, err, sizeof(err)) != 0) {
        cli_error(cmd, "%s", err);
        goto done;
    }
    if (serve_tls_load(&s, err, sizeof(err)) != 0) {
        cli_error(cmd, "%s", err);
        goto done;
    }
    /* The store's wrapping key opens before the keys forget the PIN
     * source (an env: variable). */
    if (open_policy(cmd, &s) != 0 || serve_rates_open(cmd, &s) != 0 ||
        serve_lit_open(cmd, &s) != 0 || serve_keys_open(cmd, &s) != 0 ||
        open_audit(cmd, &s) != 0 || start_daemon(cmd, &s) != 0 ||
        print_start_line(cmd, &s) != 0)
        goto done;
    serve_log("info", "ready", NULL, NULL);
    serve_notify(&s, SERVE_NOTIFY_READY);
    wait_for_stop(&s, stop);
    drain(&s);
    serve_log("info", "stopped", NULL, NULL);
    rc = CLI_EXIT_OK;
done:
    release(&s);
    return rc;
}

/* --migrate: the configuration's databases only, nothing else opened. */
static int migrate_only(const cli_command *cmd, const char *config)
{
    serve_config cfg;
    char err[512];
    int rc;

    if (serve_config_load(&cfg, config, err, sizeof(err)) != 0) {
        cli_error(cmd, "%s", err);
        return CLI_EXIT_FAIL;
    }
    rc = serve_migrate(cmd, &cfg);
    serve_config_free(&cfg);
    return rc;
}

typedef struct serve_args {
    const char *config;
    int migrate;
} serve_args;

static const struct option serve_longopts[] = {
    { "config", required_argument, NULL, 'c' },
    { "migrate", no_argument, NULL, 'm' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
};

static int serve_option(const cli_command *cmd, void *ctx, int c,
                        const char *arg)
{
    serve_args *a = ctx;

    if (c == 'm') {
        a->migrate = 1;
        return 0;
    }
    return cli_set_once(cmd, &a->config, "--config", arg);
}

static int serve_run(const cli_command *cmd, int argc, char **argv)
{
    serve_args a = { NULL, 0 };
    sigset_t stop;
    int help = 0, rc;

    rc = cli_read_options(cmd, argc, argv, serve_longopts, serve_option, &a,
                          &help);
    if (rc != 0)
        return rc;
    if (help)
        return cli_print_help(cmd);
    if (a.config == NULL)
        return cli_missing(cmd, "--config");
    if (a.migrate)
        return migrate_only(cmd, a.config);
    if ((rc = cli_block_stop_signals(cmd, &stop)) != 0)
        return rc;
    return serve_start(cmd, a.config, &stop);
}

int main(int argc, char **argv)
{
    return cli_exit_status("lithsm serve", serve_run(&cmd_serve, argc, argv));
}
