/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * test_pem.c - software keys in PEM files: lithsm_signer_open() on the
 * TEST-ONLY fixtures (private 0600 copies), the ssh-like file rules (mode,
 * owner, folder, no FIFO) and lithsm_signer_from_pem().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lithsm.h"
#include "files.h"
#include "tap.h"
#include "vectors.h"

static int err_has(const char *needle)
{
    return strstr(lithsm_last_error(), needle) != NULL;
}

/* Where test_pem() keeps its private copies of the key fixtures. */
static char key_dir[256];

/* The fixture rel copied 0600 into key_dir (git checks the keys out 0644
 * and lithsm refuses a key file others can read); "tests/keys" is key_dir
 * itself, a missing file keeps its name. */
static void private_copy(char *out, size_t size, const char *rel)
{
    const char *base = strrchr(rel, '/');
    char src[1024];
    char *data;

    if (strcmp(rel, "tests/keys") == 0) {
        snprintf(out, size, "%s", key_dir);
        return;
    }
    snprintf(out, size, "%s/%s", key_dir, base != NULL ? base + 1 : rel);
    srcdir_path(src, sizeof(src), rel);
    data = read_file(src);
    if (data != NULL && !write_file(out, data, strlen(data)))
        printf("# cannot copy %s\n", rel);
    free(data);
}

/* A key file must be a regular file only its owner can read, in a folder
 * only its owner can write (as ssh wants), and never blocks. */
static void test_pem_file_rules(void)
{
    char path[1024], fifo[1024];
    lithsm_signer *signer = NULL;

    private_copy(path, sizeof(path), "tests/keys/TEST-ONLY-wallet-0101.pem");
    ok(chmod(path, 0644) == 0, "a key file made 0644");
    ok_int_eq(lithsm_signer_open(&signer, path), LITHSM_ERR_IO,
              "  ... is refused");
    ok(signer == NULL && err_has("readable by group or others") &&
           err_has("TEST-ONLY-wallet-0101.pem"),
       "  ... naming the file and the problem");
    ok(chmod(path, 0640) == 0, "a key file made 0640");
    ok_int_eq(lithsm_signer_open(&signer, path), LITHSM_ERR_IO,
              "  ... is refused too");
    ok(chmod(path, 0400) == 0, "a key file made 0400");
    ok_int_eq(lithsm_signer_open(&signer, path), LITHSM_OK, "  ... opens");
    lithsm_signer_free(signer);
    signer = NULL;
    ok(chmod(key_dir, 0770) == 0, "its folder made group-writable");
    ok_int_eq(lithsm_signer_open(&signer, path), LITHSM_ERR_IO,
              "  ... is refused");
    ok(err_has("folder is writable"), "  ... saying so");
    ok(chmod(key_dir, 0700) == 0, "folder back to 0700");
    if (geteuid() == 0) {
        ok(chown(path, 65534, 65534) == 0, "a key file of another user");
        ok_int_eq(lithsm_signer_open(&signer, path), LITHSM_ERR_IO,
                  "  ... is refused");
        ok(err_has("owned by another user"), "  ... saying so");
    } else {
        printf("# not root: the other-owner key file is not tested\n");
    }
    snprintf(fifo, sizeof(fifo), "%s/fifo.pem", key_dir);
    ok(mkfifo(fifo, 0600) == 0, "a FIFO as a key file");
    ok_int_eq(lithsm_signer_open(&signer, fifo), LITHSM_ERR_IO,
              "  ... is refused without waiting for a writer");
    ok(err_has("not a regular file"), "  ... saying so");
}

/* The PEM text of a key already in memory ("--key -"). */
static void test_pem_text(void)
{
    char src[1024];
    char *pem;
    lithsm_signer *signer = NULL;
    lithsm_eth_address addr;
    char text[LITHSM_ETH_ADDRESS_TEXT_LEN + 1];

    srcdir_path(src, sizeof(src), "tests/keys/TEST-ONLY-wallet-0101.pem");
    pem = read_file(src);
    ok(pem != NULL, "read the wallet PEM text");
    if (pem == NULL)
        return;
    ok_int_eq(lithsm_signer_from_pem(&signer, pem, strlen(pem)), LITHSM_OK,
              "signer_from_pem");
    if (signer != NULL) {
        lithsm_signer_address(&addr, signer);
        lithsm_eth_address_to_text(text, &addr);
        ok_str_eq(text, "0x1a642f0E3c3aF545E7AcBD38b07251B3990914F1",
                  "  ... address");
    }
    lithsm_signer_free(signer);
    signer = NULL;
    ok_int_eq(lithsm_signer_from_pem(&signer, pem, 20), LITHSM_ERR_KEY,
              "signer_from_pem of a cut text fails");
    ok_int_eq(lithsm_signer_from_pem(&signer, NULL, 0), LITHSM_ERR_INVALID_ARG,
              "signer_from_pem(NULL)");
    free(pem);
}

static void test_pem(void)
{
    static const struct {
        const char *file;
        lithsm_err err;
        const char *expect; /* address, or a word of the error */
    } cases[] = {
        { "tests/keys/TEST-ONLY-wallet-0101.pem", LITHSM_OK,
          "0x1a642f0E3c3aF545E7AcBD38b07251B3990914F1" },
        { "tests/keys/TEST-ONLY-owner-0202.pem", LITHSM_OK,
          "0x5050A4F4b3f9338C3472dcC01A87C76A144b3c9c" },
        { "tests/keys/TEST-ONLY-p256.pem", LITHSM_ERR_KEY, "prime256v1" },
        { "tests/keys/TEST-ONLY-rsa.pem", LITHSM_ERR_KEY, "RSA" },
        { "tests/keys/TEST-ONLY-encrypted-0101.pem", LITHSM_ERR_KEY,
          "passphrase" },
        { "tests/keys/TEST-ONLY-public-0101.pem", LITHSM_ERR_KEY,
          "no PEM private key" },
        { "tests/keys/TEST-ONLY-garbage.pem", LITHSM_ERR_KEY,
          "no PEM private key" },
        { "tests/keys/README.md", LITHSM_ERR_KEY, "no PEM private key" },
        { "tests/keys/does-not-exist.pem", LITHSM_ERR_IO,
          "does-not-exist.pem" },
        { "tests/keys", LITHSM_ERR_IO, "not a regular file" },
    };
    char what[160], text[LITHSM_ETH_ADDRESS_TEXT_LEN + 1];
    lithsm_eth_address addr, rec;
    lithsm_eth_sig sig1, sig2;
    lithsm_signer *signer;
    uint8_t hash[32];
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char path[1024];
        lithsm_err err;

        private_copy(path, sizeof(path), cases[i].file);
        signer = NULL;
        err = lithsm_signer_open(&signer, path);
        snprintf(what, sizeof(what), "signer_open %s", cases[i].file);
        ok_int_eq(err, cases[i].err, what);
        if (err == LITHSM_OK && signer != NULL) {
            lithsm_signer_address(&addr, signer);
            lithsm_eth_address_to_text(text, &addr);
            ok_str_eq(text, cases[i].expect, "  ... address");
        } else {
            ok(signer == NULL && err_has(cases[i].expect),
               "  ... error names the problem");
            if (!err_has(cases[i].expect))
                printf("#   error: %s\n", lithsm_last_error());
        }
        lithsm_signer_free(signer);
    }

    /* A random key: opens, signs deterministically, recovers to itself. */
    {
        char path[1024];

        private_copy(path, sizeof(path),
                     "tests/keys/TEST-ONLY-random-secp256k1.pem");
        signer = NULL;
        lithsm_eip191_hash(hash, (const uint8_t *)"hello", 5);
        ok(lithsm_signer_open(&signer, path) == LITHSM_OK &&
               lithsm_signer_sign_digest(&sig1, signer, hash) == LITHSM_OK &&
               lithsm_signer_sign_digest(&sig2, signer, hash) == LITHSM_OK &&
               lithsm_eth_recover(&rec, hash, sig1.bytes, 65) == LITHSM_OK,
           "random PEM key opens, signs and recovers");
        if (signer != NULL) {
            lithsm_signer_address(&addr, signer);
            ok_mem_eq(rec.bytes, addr.bytes, 20, "  ... to its own address");
            ok_mem_eq(sig1.bytes, sig2.bytes, 65, "  ... deterministically");
            ok(sig1.bytes[64] == 27 || sig1.bytes[64] == 28, "  ... v 27/28");
            ok(sig1.bytes[32] < 0x80, "  ... low s");
        }
        lithsm_signer_free(signer);
    }

    signer = NULL;
    /* No lithsm provider or no such token here: a clear pkcs11 error (the
     * token path is tested in tests/integration/signer.sh). */
    ok(lithsm_signer_open(&signer, "pkcs11:token=lithsm;object=k") != LITHSM_OK,
       "pkcs11: URI without a reachable token fails");
    ok(signer == NULL, "  ... and returns no signer");
    ok(err_has("pkcs11"), "  ... error says pkcs11");
    ok_int_eq(lithsm_signer_open(&signer, NULL), LITHSM_ERR_INVALID_ARG,
              "signer_open(NULL)");
}

int main(void)
{
    char cmd[300];

    snprintf(key_dir, sizeof(key_dir), "%s/lithsm-keys-XXXXXX",
             getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
    if (mkdtemp(key_dir) == NULL) {
        printf("Bail out! cannot make a temporary directory\n");
        return 99;
    }
    test_pem();
    test_pem_file_rules();
    test_pem_text();
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", key_dir);
    if (system(cmd) != 0)
        printf("# cannot remove %s\n", key_dir);
    return tap_done();
}
