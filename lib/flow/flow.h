/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * flow.h - what the two getSessionSigs paths of lib/flow share (flow.c
 * with a store and a network, offline.c without); not installed.
 */
#ifndef LITHSM_FLOW_INTERNAL_H
#define LITHSM_FLOW_INTERNAL_H

#include "util/util.h"

/*
 * The last step of both paths: one SessionSig per node of *sp, whose
 * node_urls, n_nodes, issued_at and expiration the caller sets; this sets
 * its requests (p's) and capabilities (p's, then the wallet AuthSig
 * `authsig` last, as the SDK).  `who` starts the out-of-memory message
 * ("session sigs").  Returns what lithsm_sessionsigs() returns, or NOMEM.
 */
lithsm_err lithsm_flow_sign_nodes(
    char **json_out, const lithsm_session_key *key, const lithsm_flow_params *p,
    const char *authsig, lithsm_sessionsigs_params *sp, const char *who);

#endif /* LITHSM_FLOW_INTERNAL_H */
