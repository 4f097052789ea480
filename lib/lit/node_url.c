/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * node_url.c - the one rule for a node URL (lithsm.h), shared by the
 * offline SessionSigs and the node client.
 */
#include <string.h>

#include "util/util.h"

lithsm_err lithsm_node_url_check(const char *url)
{
    const char *host;
    size_t i;

    if (url == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "node URL: NULL");
    if (strncmp(url, "https://", 8) == 0)
        host = url + 8;
    else if (strncmp(url, "http://", 7) == 0)
        host = url + 7;
    else
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "node URL '%.100s' is not https:// or http://", url);
    if (host[0] == '\0')
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "node URL '%.100s' has no host", url);
    /* Never echo user:pass@ back: it is the secret being refused. */
    if (strchr(host, '@') != NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "node URL has a user name or password (user:pass@): "
                           "refused, it would be sent as Basic auth and "
                           "copied into the SessionSigs");
    if (strlen(url) > LITHSM_NODE_URL_MAX)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "node URL is longer than %d characters",
                           LITHSM_NODE_URL_MAX);
    /* A node compares nodeAddress with its host:port: no path allowed. */
    for (i = 0; host[i] != '\0'; i++) {
        unsigned char c = (unsigned char)host[i];

        if (c <= ' ' || c >= 0x7f || c == '/' || c == '?' || c == '#' ||
            c == '"' || c == '\\')
            return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                               "node URL '%.100s' has a path or a bad "
                               "character at %zu",
                               url, (size_t)(host - url) + i);
    }
    return LITHSM_OK;
}
