/*
 * digest.c - what a signing request signs (serve.h): the EIP-191 hash of
 * a message, the EIP-712 digest of typed data, the signing hash of a
 * complete transaction; computed before the policy is asked, so a bad
 * payload is a 400 naming its field and every record of a signing
 * request holds its digest.  Then the signing itself (keys.c: under the
 * key's lock), answering what the CLI prints for the same work.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve.h"

#define SIG_HEX (2 + 2 * LITHSM_ETH_SIG_LEN + 1)

static int lib_failed(char *reason, size_t reason_len)
{
    snprintf(reason, reason_len, "%s", lithsm_last_error());
    return -1;
}

int serve_payload_prepare(serve_payload *p, const char *route,
                          json_object *member, char *reason, size_t reason_len)
{
    const char *text;

    memset(p, 0, sizeof(*p));
    p->route = route;
    p->member = member;
    if (strcmp(route, "sign/message") == 0) {
        lithsm_eip191_hash(p->digest,
                           (const uint8_t *)json_object_get_string(member),
                           (size_t)json_object_get_string_len(member));
        return 0;
    }
    /* json-c writes numbers back with the text they were read with. */
    text = json_object_to_json_string_ext(member, SERVE_JSON_FLAGS);
    if (text == NULL) {
        snprintf(reason, reason_len, "out of memory");
        return -1;
    }
    if (strcmp(route, "sign/typed-data") == 0) {
        if (lithsm_typed_data_parse(&p->td, text, strlen(text)) != LITHSM_OK)
            return lib_failed(reason, reason_len);
        lithsm_typed_data_digest(p->digest, p->td);
        return 0;
    }
    /* Only complete transactions: the service fills nothing from a
     * network. */
    if (lithsm_tx_from_json(&p->tx, text, strlen(text)) != LITHSM_OK ||
        lithsm_tx_check_complete(p->tx) != LITHSM_OK ||
        lithsm_tx_signing_hash(p->digest, p->tx) != LITHSM_OK)
        return lib_failed(reason, reason_len);
    return 0;
}

void serve_payload_free(serve_payload *p)
{
    lithsm_typed_data_free(p->td);
    lithsm_tx_free(p->tx);
    free(p->signature);
    memset(p, 0, sizeof(*p));
}

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
    json_object *obj = NULL, *raw;

    if (lithsm_tx_signed_json(&text, p->tx) != LITHSM_OK)
        return NULL;
    obj = json_tokener_parse(text);
    lithsm_free(text);
    if (obj == NULL || !json_object_object_get_ex(obj, "raw", &raw) ||
        (p->signature = strdup(json_object_get_string(raw))) == NULL) {
        json_object_put(obj);
        return NULL;
    }
    return obj;
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
