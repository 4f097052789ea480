/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * bench-eth.c - `make bench`: Ethereum signing with a software key, one
 * thread: EIP-712 digests and signatures (typed-data JSON text in, the
 * work eth_signTypedData_v4 does), transaction signing (JSON in, raw
 * transaction out) and ABI calldata, each next to ethers v6's rate for the
 * same work when LITHSM_ETH_ANCHOR names the JSON of
 * tests/interop-eth/eth-anchor.mjs from the same run.  Token keys are
 * timed against raw C_Sign by tests/integration/bench_pkcs11.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench-eth-work.h"
#include "bench-util.h"

static const struct {
    const char *what, *anchor_key;
    work_fn fn;
    int needs_signer;
} works[] = {
    { "EIP-712 digests (parse + hash)", "eip712_digest_per_s", work_digest, 0 },
    { "EIP-712 signatures (software key)", "eip712_sign_per_s",
      work_sign_typed_data, 1 },
    { "transactions signed (EIP-1559)", "tx_sign_per_s", work_sign_tx, 1 },
    { "ABI calldata (ERC-20 transfer)", "abi_encode_per_s", work_abi, 0 },
};

int main(void)
{
    const char *anchor = getenv("LITHSM_ETH_ANCHOR");
    uint8_t secret[32];
    lithsm_signer *signer = NULL;
    double rates[sizeof(works) / sizeof(works[0])][REPS];
    size_t w;
    int r;

    memset(secret, 0x42, sizeof(secret));
    if (lithsm_signer_from_secret(&signer, secret) != LITHSM_OK)
        die("signer", LITHSM_ERR_KEY);
    printf("lithsm bench (Ethereum signing): one thread, median of %d "
           "interleaved runs of %.2f s; ethers v6 figures from %s\n",
           REPS, REP_SECONDS,
           anchor ? anchor
                  : "nowhere (set LITHSM_ETH_ANCHOR=eth-anchor.json, made "
                    "by tests/interop-eth/eth-anchor.mjs in the same run)");
    for (r = 0; r < REPS; r++) /* interleaved: drift hits every figure */
        for (w = 0; w < sizeof(works) / sizeof(works[0]); w++)
            rates[w][r] =
                rate(works[w].fn, works[w].needs_signer ? signer : NULL);
    for (w = 0; w < sizeof(works) / sizeof(works[0]); w++) {
        double spread, ours = median(rates[w], &spread);
        double js = anchor_figure(anchor, -1, works[w].anchor_key, NULL);

        printf("%-36s %9.0f/s (spread %2.0f%%)", works[w].what, ours,
               spread * 100);
        if (js > 0)
            printf(" = %6.1fx ethers (%.0f/s)\n", ours / js, js);
        else
            printf("\n");
    }
    lithsm_signer_free(signer);
    return 0;
}
