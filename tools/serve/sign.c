/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * sign.c - a signing request's signature (serve.h): signed with its key
 * through keys.c (the key's lock, a token outage), answered as the CLI
 * prints the same work.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve.h"

#define SIG_HEX (2 + 2 * LITHSM_ETH_SIG_LEN + 1)

/* {"signature"} or {"digest","signature","address"}. */
static json_object *sig_answer(serve_payload *p, const serve_key *k,
                               const lithsm_eth_sig *sig)
{
    json_object *obj = json_object_new_object();
    char digest[67] = "0x";

    if ((p->signature = malloc(SIG_HEX)) == NULL || obj == NULL ||
        lithsm_hex_encode(p->signature + 2, SIG_HEX - 2, sig->bytes,
                          sizeof(sig->bytes)) != LITHSM_OK ||
        lithsm_hex_encode(digest + 2, sizeof(digest) - 2, p->digest,
                          sizeof(p->digest)) != LITHSM_OK)
        goto fail;
    memcpy(p->signature, "0x", 2);
    if (p->td != NULL && cli_json_add_str(obj, "digest", digest) != 0)
        goto fail;
    if (cli_json_add_str(obj, "signature", p->signature) != 0 ||
        (p->td != NULL && cli_json_add_str(obj, "address", k->address) != 0))
        goto fail;
    return obj;
fail:
    json_object_put(obj);
    return NULL;
}

/* {"raw","hash","from"}, as lithsm sign-tx prints; the audit record's
 * signature is the raw signed transaction. */
static json_object *tx_answer(serve_payload *p)
{
    char *text = NULL;
    json_object *read = NULL, *raw, *answer = NULL;

    if (lithsm_tx_signed_json(&text, p->tx) != LITHSM_OK)
        return NULL;
    read = json_tokener_parse(text);
    if (read != NULL && json_object_object_get_ex(read, "raw", &raw) &&
        (p->signature = strdup(json_object_get_string(raw))) != NULL)
        answer = serve_raw_answer(text);
    json_object_put(read);
    lithsm_free(text);
    return answer;
}

/* serve_sign_fn for a payload: a transaction signs itself, else the
 * digest. */
typedef struct sign_job {
    serve_payload *p;
    lithsm_eth_sig sig;
} sign_job;

static lithsm_err sign_job_run(void *arg, lithsm_signer *signer)
{
    sign_job *j = arg;

    if (j->p->tx != NULL)
        return lithsm_tx_sign(NULL, NULL, NULL, NULL, j->p->tx, signer);
    return lithsm_signer_sign_digest(&j->sig, signer, j->p->digest);
}

int serve_payload_sign(json_object **answer, serve_payload *p, serve_key *k,
                       char *reason, size_t reason_len)
{
    sign_job job;
    int status;

    *answer = NULL;
    memset(&job, 0, sizeof(job));
    job.p = p;
    status = serve_key_sign(k, sign_job_run, &job, reason, reason_len);
    if (status != 0)
        return status;
    *answer = p->tx != NULL ? tx_answer(p) : sig_answer(p, k, &job.sig);
    if (*answer == NULL) {
        snprintf(reason, reason_len, "out of memory");
        return MHD_HTTP_INTERNAL_SERVER_ERROR;
    }
    return 0;
}
