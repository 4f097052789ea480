/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * bench_pkcs11.c - Ethereum signatures per second through lithsm (provider
 * + low-s + recovery) against a raw PKCS#11 C_SignInit/C_Sign loop on the
 * same SoftHSM2 key, with 1 and 2 threads, measured in one run.  Run by
 * tests/integration/bench.sh, which makes the token and passes:
 *
 *   LITHSM_BENCH_URI     the key for lithsm, with pin-source
 *   LITHSM_BENCH_MODULE  the PKCS#11 module
 *   LITHSM_BENCH_TOKEN   the token's label, for the raw loop
 *   LITHSM_BENCH_LABEL   the key's label (CKA_LABEL) for the raw loop
 *   LITHSM_BENCH_PIN     a file holding the user PIN (raw loop login)
 *   LITHSM_BENCH_SECONDS seconds per measurement (default 0.5; REPS
 *                        alternating rounds of each)
 *
 * lithsm's side is timed three ways: a bare digest, and the whole work of
 * an EIP-712 and of a transaction request (bench-eth-work.h).
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <p11-kit/pkcs11.h>

#include "../bench-eth-work.h"
#include "../bench-util.h"
#include "lithsm.h"

typedef struct run {
    /* raw */
    CK_FUNCTION_LIST *fl;
    CK_SLOT_ID slot;
    CK_OBJECT_HANDLE key;
    /* lithsm: a digest, or one unit of `work` (bench-eth-work.h) */
    lithsm_signer *signer;
    void (*work)(void *signer);
    double seconds;
    long count;
    int failed;
} run;

static void *raw_loop(void *arg)
{
    run *r = arg;
    CK_MECHANISM mech = { CKM_ECDSA, NULL, 0 };
    CK_SESSION_HANDLE s;
    unsigned char hash[32] = { 1 }, sig[64];
    CK_ULONG len;
    double end;

    if (r->fl->C_OpenSession(r->slot, CKF_SERIAL_SESSION, NULL, NULL, &s) !=
        CKR_OK) {
        r->failed = 1;
        return NULL;
    }
    end = now_s() + r->seconds;
    while (now_s() < end) {
        hash[0]++;
        len = sizeof(sig);
        if (r->fl->C_SignInit(s, &mech, r->key) != CKR_OK ||
            r->fl->C_Sign(s, hash, 32, sig, &len) != CKR_OK) {
            r->failed = 1;
            break;
        }
        r->count++;
    }
    r->fl->C_CloseSession(s);
    return NULL;
}

static void *lithsm_loop(void *arg)
{
    run *r = arg;
    lithsm_eth_sig sig;
    uint8_t hash[32] = { 2 };
    double end = now_s() + r->seconds;

    while (now_s() < end) {
        hash[0]++;
        if (r->work != NULL)
            r->work(r->signer);
        else if (lithsm_signer_sign_digest(&sig, r->signer, hash) !=
                 LITHSM_OK) {
            r->failed = 1;
            break;
        }
        r->count++;
    }
    return NULL;
}

/* Signatures per second of `fn` over `threads` threads. */
static double measure(void *(*fn)(void *), const run *proto, int threads)
{
    pthread_t th[2];
    run r[2];
    double start, elapsed;
    long total = 0;
    int i;

    start = now_s();
    for (i = 0; i < threads; i++) {
        r[i] = *proto;
        pthread_create(&th[i], NULL, fn, &r[i]);
    }
    for (i = 0; i < threads; i++) {
        pthread_join(th[i], NULL);
        if (r[i].failed)
            return -1;
        total += r[i].count;
    }
    elapsed = now_s() - start;
    return (double)total / elapsed;
}

static int raw_setup(run *r, const char *module, const char *token,
                     const char *label, const char *pin_path)
{
    CK_C_GetFunctionList get_list;
    CK_C_INITIALIZE_ARGS args;
    CK_SLOT_ID slots[16];
    CK_TOKEN_INFO ti;
    CK_ULONG nslots = 16, n = 0, i;
    size_t tlen = strlen(token);
    CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
    CK_ATTRIBUTE tmpl[2] = { { CKA_CLASS, &cls, sizeof(cls) },
                             { CKA_LABEL, (void *)label, strlen(label) } };
    CK_SESSION_HANDLE s;
    CK_RV rv;
    char pin[64] = "";
    FILE *fp;
    void *dl;

    dl = dlopen(module, RTLD_NOW | RTLD_LOCAL);
    if (dl == NULL)
        return 0;
    *(void **)(&get_list) = dlsym(dl, "C_GetFunctionList");
    if (get_list == NULL || get_list(&r->fl) != CKR_OK)
        return 0;
    memset(&args, 0, sizeof(args));
    args.flags = CKF_OS_LOCKING_OK;
    rv = r->fl->C_Initialize(&args);
    if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED)
        return 0;
    if (r->fl->C_GetSlotList(CK_TRUE, slots, &nslots) != CKR_OK || nslots == 0)
        return 0;
    for (i = 0; i < nslots; i++)
        if (r->fl->C_GetTokenInfo(slots[i], &ti) == CKR_OK &&
            tlen <= sizeof(ti.label) && memcmp(ti.label, token, tlen) == 0 &&
            (tlen == sizeof(ti.label) || ti.label[tlen] == ' '))
            break;
    if (i == nslots)
        return 0;
    r->slot = slots[i];
    if ((fp = fopen(pin_path, "r")) == NULL)
        return 0;
    if (fgets(pin, sizeof(pin), fp) == NULL)
        pin[0] = '\0';
    fclose(fp);
    pin[strcspn(pin, "\r\n")] = '\0';
    /* The session stays open so the login lasts (it is per token). */
    if (r->fl->C_OpenSession(r->slot, CKF_SERIAL_SESSION, NULL, NULL, &s) !=
        CKR_OK)
        return 0;
    rv = r->fl->C_Login(s, CKU_USER, (CK_UTF8CHAR_PTR)pin, strlen(pin));
    memset(pin, 0, sizeof(pin));
    if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN)
        return 0;
    if (r->fl->C_FindObjectsInit(s, tmpl, 2) != CKR_OK ||
        r->fl->C_FindObjects(s, &r->key, 1, &n) != CKR_OK)
        return 0;
    r->fl->C_FindObjectsFinal(s);
    return n == 1;
}

/* One row: `threads` threads of raw C_Sign and of lithsm in alternating
 * rounds, so drift of the shared machine hits both alike; the ratio is the
 * median of the rounds' ratios.  Returns 0, or 1 when signing failed. */
static int compare(const run *proto, const char *what, int threads)
{
    double raws[REPS], ours[REPS], ratios[REPS], spread, raw, ours_rate, ratio;
    int r;

    for (r = 0; r < REPS; r++) {
        raws[r] = measure(raw_loop, proto, threads);
        ours[r] = measure(lithsm_loop, proto, threads);
        if (raws[r] <= 0 || ours[r] <= 0) {
            fprintf(stderr, "bench_pkcs11: signing failed (%s)\n",
                    lithsm_last_error());
            return 1;
        }
        ratios[r] = ours[r] / raws[r];
    }
    raw = median(raws, &spread);
    ours_rate = median(ours, &spread);
    ratio = median(ratios, &spread); /* sorts ratios: [0] min, [REPS-1] max */
    printf("%-22s %-8d %14.0f %14.0f %7.2f %8.2f-%.2f\n", what, threads, raw,
           ours_rate, ratio, ratios[0], ratios[REPS - 1]);
    return 0;
}

/* What lithsm does per signature: a bare digest, or the whole work of a
 * typed-data or transaction request (parse, hash, sign, encode). */
static const struct {
    const char *what;
    void (*work)(void *signer);
} modes[] = {
    { "digest", NULL },
    { "EIP-712 typed data", work_sign_typed_data },
    { "EIP-1559 transaction", work_sign_tx },
};

int main(void)
{
    const char *uri = getenv("LITHSM_BENCH_URI");
    const char *module = getenv("LITHSM_BENCH_MODULE");
    const char *token = getenv("LITHSM_BENCH_TOKEN");
    const char *label = getenv("LITHSM_BENCH_LABEL");
    const char *pin = getenv("LITHSM_BENCH_PIN");
    const char *secs = getenv("LITHSM_BENCH_SECONDS");
    run proto;
    size_t m;
    int threads, failed = 0;

    memset(&proto, 0, sizeof(proto));
    proto.seconds = secs != NULL ? strtod(secs, NULL) : 0.5;
    if (proto.seconds <= 0 || proto.seconds > 60)
        proto.seconds = 0.5;
    if (uri == NULL || module == NULL || token == NULL || label == NULL ||
        pin == NULL) {
        fprintf(stderr, "bench_pkcs11: run tests/integration/bench.sh\n");
        return 1;
    }
    if (lithsm_signer_open(&proto.signer, uri) != LITHSM_OK) {
        fprintf(stderr, "bench_pkcs11: %s\n", lithsm_last_error());
        return 1;
    }
    if (!raw_setup(&proto, module, token, label, pin)) {
        fprintf(stderr, "bench_pkcs11: raw PKCS#11 setup failed\n");
        lithsm_signer_free(proto.signer);
        return 1;
    }
    printf("%-22s %-8s %14s %14s %7s %14s\n", "lithsm signs", "threads",
           "raw C_Sign/s", "lithsm sig/s", "ratio", "ratio spread");
    for (m = 0; m < sizeof(modes) / sizeof(modes[0]) && !failed; m++) {
        proto.work = modes[m].work;
        for (threads = 1; threads <= 2 && !failed; threads++)
            failed = compare(&proto, modes[m].what, threads);
    }
    lithsm_signer_free(proto.signer);
    return failed;
}
