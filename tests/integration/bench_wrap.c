/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * bench_wrap.c - where a session secret should live, measured on one
 * SoftHSM2 token in one run (issue 10, "Session secrets never in plaintext
 * at rest"):
 *
 *   (a) wrapped: the secret is sealed under an AES-256 key of the token;
 *       a request for N nodes costs one C_Decrypt (CKM_AES_GCM) of the
 *       store entry, then N ed25519 signatures in software (OpenSSL);
 *   (b) in the token: the session key is an Ed25519 key of the token; the
 *       same request costs N C_Sign (CKM_EDDSA).
 *
 * Both are raw PKCS#11 through the module's function list (no provider),
 * on the same node messages.  Then the store itself: put + get round trips
 * per second of the wrapped store (through the lithsm provider) against
 * the plain file store, on an entry of the flow's size.  Run by
 * tests/integration/bench-wrap.sh, which makes the token and passes:
 *
 *   LITHSM_BENCH_MODULE    the PKCS#11 module
 *   LITHSM_BENCH_TOKEN     the token's label
 *   LITHSM_BENCH_PIN       a file holding the user PIN (raw login)
 *   LITHSM_BENCH_AES_LABEL the AES-256 key's label (CKA_LABEL)
 *   LITHSM_BENCH_WRAP_URI  the same key for lithsm, with pin-source
 *   LITHSM_BENCH_DIR       an empty directory for the stores
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <p11-kit/pkcs11.h>

#include "../bench-util.h"
#include "lithsm.h"
#include "store/store.h"

#define NODES_MAX 100
#define MSG_LEN 900   /* about a 3-request signedMessage */
#define ENTRY_LEN 700 /* about a flow store entry */

typedef struct bench {
    CK_FUNCTION_LIST *fl;
    CK_SESSION_HANDLE s;
    CK_OBJECT_HANDLE aes, ed_priv;
    EVP_PKEY *soft; /* the software session key */
    unsigned char msgs[NODES_MAX][MSG_LEN];
    unsigned char sealed[12 + ENTRY_LEN + 16];
    CK_ULONG sealed_len;
    unsigned char iv[12];
    int nodes;
    int failed;
    /* the stores */
    lithsm_store *store;
    char entry[ENTRY_LEN + 1];
} bench;

static void fail(const char *what)
{
    fprintf(stderr, "bench_wrap: %s\n", what);
    exit(1);
}

static const char *env(const char *name)
{
    const char *v = getenv(name);

    if (v == NULL || *v == '\0') {
        fprintf(stderr, "bench_wrap: %s not set\n", name);
        exit(1);
    }
    return v;
}

/* The module, the token's slot, one logged-in session. */
static void token_open(bench *b)
{
    CK_C_GetFunctionList get_list;
    CK_SLOT_ID slots[16];
    CK_TOKEN_INFO ti;
    CK_ULONG nslots = 16, i;
    const char *token = env("LITHSM_BENCH_TOKEN");
    size_t tlen = strlen(token);
    char pin[64] = "";
    FILE *fp;
    void *dl = dlopen(env("LITHSM_BENCH_MODULE"), RTLD_NOW | RTLD_LOCAL);
    CK_RV rv;

    if (dl == NULL)
        fail("cannot load the module");
    *(void **)(&get_list) = dlsym(dl, "C_GetFunctionList");
    if (get_list == NULL || get_list(&b->fl) != CKR_OK)
        fail("no C_GetFunctionList");
    rv = b->fl->C_Initialize(NULL);
    if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED)
        fail("C_Initialize");
    if (b->fl->C_GetSlotList(CK_TRUE, slots, &nslots) != CKR_OK)
        fail("C_GetSlotList");
    for (i = 0; i < nslots; i++)
        if (b->fl->C_GetTokenInfo(slots[i], &ti) == CKR_OK &&
            tlen <= sizeof(ti.label) && memcmp(ti.label, token, tlen) == 0 &&
            (tlen == sizeof(ti.label) || ti.label[tlen] == ' '))
            break;
    if (i == nslots)
        fail("token not found");
    if ((fp = fopen(env("LITHSM_BENCH_PIN"), "r")) == NULL ||
        fgets(pin, sizeof(pin), fp) == NULL)
        fail("cannot read the PIN file");
    fclose(fp);
    pin[strcspn(pin, "\r\n")] = '\0';
    if (b->fl->C_OpenSession(slots[i], CKF_SERIAL_SESSION | CKF_RW_SESSION,
                             NULL, NULL, &b->s) != CKR_OK)
        fail("C_OpenSession");
    rv = b->fl->C_Login(b->s, CKU_USER, (CK_UTF8CHAR_PTR)pin, strlen(pin));
    memset(pin, 0, sizeof(pin));
    if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN)
        fail("C_Login");
}

static void find_aes(bench *b)
{
    const char *label = env("LITHSM_BENCH_AES_LABEL");
    CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
    CK_ATTRIBUTE tmpl[2] = { { CKA_CLASS, &cls, sizeof(cls) },
                             { CKA_LABEL, (void *)label, strlen(label) } };
    CK_ULONG n = 0;

    if (b->fl->C_FindObjectsInit(b->s, tmpl, 2) != CKR_OK ||
        b->fl->C_FindObjects(b->s, &b->aes, 1, &n) != CKR_OK || n != 1)
        fail("AES key not found");
    b->fl->C_FindObjectsFinal(b->s);
}

/* An Ed25519 key pair of the token (session objects: nothing stays on the
 * token), as a session key in the token would be. */
static void make_ed25519(bench *b)
{
    static unsigned char ed25519_oid[] = { 0x06, 0x03, 0x2b, 0x65, 0x70 };
    CK_MECHANISM mech = { CKM_EC_EDWARDS_KEY_PAIR_GEN, NULL, 0 };
    CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
    CK_ATTRIBUTE pub[] = { { CKA_EC_PARAMS, ed25519_oid, sizeof(ed25519_oid) },
                           { CKA_VERIFY, &yes, sizeof(yes) },
                           { CKA_TOKEN, &no, sizeof(no) } };
    CK_ATTRIBUTE priv[] = { { CKA_SIGN, &yes, sizeof(yes) },
                            { CKA_SENSITIVE, &yes, sizeof(yes) },
                            { CKA_PRIVATE, &yes, sizeof(yes) },
                            { CKA_TOKEN, &no, sizeof(no) } };
    CK_OBJECT_HANDLE hpub;

    if (b->fl->C_GenerateKeyPair(b->s, &mech, pub, 3, priv, 4, &hpub,
                                 &b->ed_priv) != CKR_OK)
        fail("C_GenerateKeyPair(CKM_EC_EDWARDS_KEY_PAIR_GEN)");
}

/* A store entry sealed once, as the wrapped store keeps it. */
static void seal_entry(bench *b)
{
    unsigned char plain[ENTRY_LEN];
    CK_GCM_PARAMS gp = { b->iv, 12, 96, NULL, 0, 128 };
    CK_MECHANISM mech = { CKM_AES_GCM, &gp, sizeof(gp) };

    memset(plain, 'e', sizeof(plain));
    RAND_bytes(b->iv, sizeof(b->iv));
    b->sealed_len = sizeof(b->sealed) - 12;
    if (b->fl->C_EncryptInit(b->s, &mech, b->aes) != CKR_OK ||
        b->fl->C_Encrypt(b->s, plain, sizeof(plain), b->sealed + 12,
                         &b->sealed_len) != CKR_OK)
        fail("C_Encrypt(CKM_AES_GCM)");
    memcpy(b->sealed, b->iv, 12);
    b->sealed_len += 12;
}

/* (a): one unwrap, then one software signature per node. */
static void wrapped_request(void *arg)
{
    bench *b = arg;
    CK_GCM_PARAMS gp = { b->sealed, 12, 96, NULL, 0, 128 };
    CK_MECHANISM mech = { CKM_AES_GCM, &gp, sizeof(gp) };
    unsigned char plain[sizeof(b->sealed)], sig[64];
    CK_ULONG plain_len = sizeof(plain);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    size_t sig_len;
    int i;

    if (b->fl->C_DecryptInit(b->s, &mech, b->aes) != CKR_OK ||
        b->fl->C_Decrypt(b->s, b->sealed + 12, b->sealed_len - 12, plain,
                         &plain_len) != CKR_OK ||
        plain_len != ENTRY_LEN)
        b->failed = 1;
    for (i = 0; i < b->nodes && md != NULL; i++) {
        sig_len = sizeof(sig);
        if (EVP_DigestSignInit_ex(md, NULL, NULL, NULL, NULL, b->soft, NULL) !=
                1 ||
            EVP_DigestSign(md, sig, &sig_len, b->msgs[i], MSG_LEN) != 1)
            b->failed = 1;
    }
    OPENSSL_cleanse(plain, sizeof(plain));
    EVP_MD_CTX_free(md);
}

/* (b): one C_Sign(CKM_EDDSA) per node. */
static void token_request(void *arg)
{
    bench *b = arg;
    CK_MECHANISM mech = { CKM_EDDSA, NULL, 0 };
    unsigned char sig[64];
    CK_ULONG sig_len;
    int i;

    for (i = 0; i < b->nodes; i++) {
        sig_len = sizeof(sig);
        if (b->fl->C_SignInit(b->s, &mech, b->ed_priv) != CKR_OK ||
            b->fl->C_Sign(b->s, b->msgs[i], MSG_LEN, sig, &sig_len) != CKR_OK ||
            sig_len != 64)
            b->failed = 1;
    }
}

static void store_round_trip(void *arg)
{
    bench *b = arg;
    char *back = NULL;
    lithsm_err err;

    err = lithsm_store_put(b->store, "bench.session", b->entry);
    if (err == LITHSM_OK)
        err = lithsm_store_get(b->store, "bench.session", &back);
    if (err != LITHSM_OK || back == NULL || strcmp(back, b->entry) != 0)
        b->failed = 1;
    lithsm_free(back);
}

static void store_get_only(void *arg)
{
    bench *b = arg;
    char *back = NULL;

    if (lithsm_store_get(b->store, "bench.session", &back) != LITHSM_OK ||
        back == NULL || strcmp(back, b->entry) != 0)
        b->failed = 1;
    lithsm_free(back);
}

/* Median over REPS rounds of fn's rate (calls per second). */
static double rounds(work_fn fn, bench *b, double *spread)
{
    double v[REPS];
    int r;

    for (r = 0; r < REPS; r++) {
        v[r] = rate(fn, b);
        if (b->failed)
            fail("a PKCS#11 or store call failed");
    }
    return median(v, spread);
}

static void compare_requests(bench *b)
{
    static const int sizes[] = { 1, 3, 30, 100 };
    double wrapped, token, sw, st;
    size_t i;

    printf("%-8s %16s %16s %8s\n", "nodes", "(a) wrapped ms", "(b) token ms",
           "b/a");
    for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        b->nodes = sizes[i];
        wrapped = rounds(wrapped_request, b, &sw);
        token = rounds(token_request, b, &st);
        printf("%-8d %16.3f %16.3f %8.1f   (spread %.2f / %.2f)\n", sizes[i],
               1e3 / wrapped, 1e3 / token, wrapped / token, sw, st);
    }
}

/* Round trips, then gets alone (what a cached session costs), of the
 * store at dir: wrapped under the token's key when uri is not NULL. */
static void store_rates(bench *b, const char *dir, const char *uri,
                        double rt[2], double get[2])
{
    lithsm_store *inner = NULL;
    lithsm_err err;

    if ((err = lithsm_store_file_new(&inner, dir)) != LITHSM_OK)
        die("file store", err);
    b->store = inner;
    if (uri != NULL && (err = lithsm_store_wrapped_new(&b->store, inner, uri,
                                                       NULL)) != LITHSM_OK) {
        lithsm_store_free(inner);
        die("wrapped store", err);
    }
    rt[0] = rounds(store_round_trip, b, &rt[1]);
    get[0] = rounds(store_get_only, b, &get[1]);
    lithsm_store_free(b->store);
    b->store = NULL;
}

static void compare_stores(bench *b)
{
    const char *dir = env("LITHSM_BENCH_DIR");
    char plain_dir[4096], wrap_dir[4096];
    double prt[2], pget[2], wrt[2], wget[2];

    snprintf(plain_dir, sizeof(plain_dir), "%s/plain", dir);
    snprintf(wrap_dir, sizeof(wrap_dir), "%s/wrapped", dir);
    memset(b->entry, 'e', ENTRY_LEN);
    b->entry[ENTRY_LEN] = '\0';
    store_rates(b, plain_dir, NULL, prt, pget);
    store_rates(b, wrap_dir, env("LITHSM_BENCH_WRAP_URI"), wrt, wget);
    printf("\nstore, a %d-byte entry, per second (spread):\n", ENTRY_LEN);
    printf("  %-15s %16s %16s\n", "", "put+get", "get");
    printf("  %-15s %10.0f (%.2f) %10.0f (%.2f)\n", "file store", prt[0],
           prt[1], pget[0], pget[1]);
    printf("  %-15s %10.0f (%.2f) %10.0f (%.2f)\n", "wrapped store", wrt[0],
           wrt[1], wget[0], wget[1]);
    printf("  %-15s %16.2f %16.2f\n", "wrapped/file", wrt[0] / prt[0],
           wget[0] / pget[0]);
}

int main(void)
{
    static bench b;
    int i;

    token_open(&b);
    find_aes(&b);
    make_ed25519(&b);
    seal_entry(&b);
    b.soft = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    if (b.soft == NULL)
        fail("no software Ed25519 key");
    for (i = 0; i < NODES_MAX; i++) {
        memset(b.msgs[i], 'm', MSG_LEN);
        snprintf((char *)b.msgs[i], MSG_LEN,
                 "{\"nodeAddress\":\"https://"
                 "node-%03d.example:443\"",
                 i);
    }
    printf("bench_wrap: a session request for N nodes, SoftHSM2, one "
           "thread\n");
    printf("(a) one C_Decrypt(CKM_AES_GCM) of the entry + N software "
           "ed25519 signatures\n");
    printf("(b) N C_Sign(CKM_EDDSA) with an Ed25519 key of the token\n\n");
    compare_requests(&b);
    compare_stores(&b);
    EVP_PKEY_free(b.soft);
    b.fl->C_Logout(b.s);
    b.fl->C_CloseSession(b.s);
    return 0;
}
