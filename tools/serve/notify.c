/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * notify.c - lithsm-serve tells systemd how it is (serve.h): Type=notify
 * through libsystemd's sd_notify, which writes to $NOTIFY_SOCKET and does
 * nothing when it is not set (a service started by hand).
 */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "serve.h"

void serve_notify(serve *s, serve_notify_state state)
{
    struct timespec ts;
    int rc;

    switch (state) {
    case SERVE_NOTIFY_READY:
        rc =
            sd_notifyf(0,
                       "READY=1\nSTATUS=serving on https://%s:%u\n"
                       "MAINPID=%lu",
                       s->cfg.host, (unsigned)s->port, (unsigned long)getpid());
        break;
    case SERVE_NOTIFY_RELOADING:
        /* MONOTONIC_USEC: what Type=notify-reload (systemd 253) asks. */
        clock_gettime(CLOCK_MONOTONIC, &ts);
        rc = sd_notifyf(0,
                        "RELOADING=1\nSTATUS=reloading the policy\n"
                        "MONOTONIC_USEC=%llu",
                        (unsigned long long)ts.tv_sec * 1000000ull +
                            (unsigned long long)ts.tv_nsec / 1000ull);
        break;
    default:
        rc = sd_notifyf(0, "STOPPING=1\nSTATUS=draining %u requests in flight",
                        atomic_load(&s->in_flight));
        break;
    }
    if (rc < 0) {
        char why[64];

        snprintf(why, sizeof(why), "sd_notify failed (error %d)", -rc);
        serve_log("warning", "cannot tell systemd the service's state", "error",
                  why);
    }
}
