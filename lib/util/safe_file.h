/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * safe_file.h - the one way lithsm reads an input file (a key, a PIN file,
 * a seed, a message, JSON): never blocking on a FIFO or a device, bounded,
 * and for secrets owner-only as ssh wants them.  libc only: compiled into
 * liblithsm, the provider and the CLI alike.
 */
#ifndef LITHSM_SAFE_FILE_H
#define LITHSM_SAFE_FILE_H

#include <stddef.h>

/* Flags of lithsm_file_read(). */
#define LITHSM_FILE_SECRET 1u /* owner-only, owned by the user, safe dir */

typedef enum {
    LITHSM_FILE_OK = 0,
    LITHSM_FILE_ERRNO,       /* open or read failed: see errno_out */
    LITHSM_FILE_NOT_REGULAR, /* a FIFO, device, socket or directory */
    LITHSM_FILE_TOO_LARGE,
    LITHSM_FILE_MODE,   /* a secret readable or writable by others */
    LITHSM_FILE_OWNER,  /* a secret owned by another user */
    LITHSM_FILE_PARENT, /* a secret in a group/world-writable folder */
    LITHSM_FILE_NOMEM
} lithsm_file_status;

/* Reads the whole regular file at path (at most max bytes) into *out, a
 * NUL-terminated buffer the caller releases with lithsm_file_free(*out,
 * *len).  Opened with O_NONBLOCK, so a FIFO is refused, not waited on.
 * LITHSM_FILE_SECRET adds ssh's rules (mode & 077 == 0, owned by the
 * effective user, parent folder not writable by group or others) and keeps
 * the buffer in locked memory where the system allows.  On failure
 * *errno_out holds errno for LITHSM_FILE_ERRNO. */
lithsm_file_status lithsm_file_read(const char *path, unsigned flags,
                                    size_t max, char **out, size_t *len,
                                    int *errno_out);

/* Reads an already open stream (standard input) to its end, bounded; no
 * checks on what it is: the user chose to pipe it. */
lithsm_file_status lithsm_fd_read(int fd, unsigned flags, size_t max,
                                  char **out, size_t *len, int *errno_out);

/* The problem in words, for "<what> <path>: <problem>" messages. */
const char *lithsm_file_problem(lithsm_file_status st, int err);

/* Wipes, unlocks and frees a buffer of lithsm_file_read(); NULL is a
 * no-op. */
void lithsm_file_free(char *buf, size_t len);

/* Overwrites a secret with zeros in a way the compiler cannot drop (libc
 * only, for the provider and the CLI; the library has lithsm_memzero). */
void lithsm_wipe(void *p, size_t len);

/* Makes the process hold no core dump from now on (PR_SET_DUMPABLE 0 and
 * RLIMIT_CORE 0): called before a PIN or a private key is read.  Returns
 * 0, or -1 if the system refused (not fatal: the caller goes on). */
int lithsm_protect_process(void);

/* Locks a buffer holding a secret in memory where the system allows
 * (failure is ignored: RLIMIT_MEMLOCK is often small). */
void lithsm_lock_secret(void *p, size_t len);
void lithsm_unlock_secret(void *p, size_t len);

#endif
