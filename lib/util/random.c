/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * random.c - random bytes straight from the kernel.
 *
 * getrandom(2) is the source OpenSSL's own DRBG seeds from.  Taking the
 * few bytes lithsm needs (session keys, the secp256k1 blinding seed,
 * request ids) from it directly spares each process OpenSSL's DRBG set-up:
 * the first RAND_bytes() fetches the CTR-DRBG and AES-256-CTR from the
 * provider, instantiates the primary DRBG and a child, about 2 ms of a
 * 'lithsm session-sigs' run of 15 ms.
 */
#include <errno.h>
#include <sys/random.h>

#include "util/util.h"

lithsm_err lithsm_random(void *out, size_t len)
{
    unsigned char *p = out;
    ssize_t got;

    /* Flags 0: blocks only until the kernel pool was first seeded; a read
     * of up to 256 bytes is then never short, but larger ones may be. */
    while (len > 0) {
        got = getrandom(p, len, 0);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            return lithsm_fail(LITHSM_ERR_CRYPTO,
                               "the system random generator failed");
        }
        p += got;
        len -= (size_t)got;
    }
    return LITHSM_OK;
}
