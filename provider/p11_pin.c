/*
 * p11_pin.c - the PIN of a token: the first line of a pin-source=file:PATH
 * file, the variable of pin-source=env:NAME (grammar: keys/uri_rules.h),
 * else the application's passphrase callback (a prompt).  The PIN goes
 * straight into the caller's buffer, wiped after login; it is never put in
 * a message.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/params.h>

#include "keys/uri_rules.h"
#include "p11.h"

static void raise_needs_pin(lithsm_provctx *pc, const char *token)
{
    LITHSM_RAISE(pc, LITHSM_R_PIN_SOURCE,
                 "token \"%s\" needs a PIN: give pin-source=file:PATH "
                 "or env:NAME in the URI or the provider configuration",
                 token);
}

/* Asks the application's passphrase callback (a prompt) for the PIN. */
static int prompt_pin(lithsm_provctx *pc, const lithsm_pin *src,
                      const char *token, char *pin, size_t size)
{
    OSSL_PARAM params[2];
    char info[80];
    size_t len = 0;

    snprintf(info, sizeof(info), "PIN of PKCS#11 token \"%s\"", token);
    params[0] =
        OSSL_PARAM_construct_utf8_string(OSSL_PASSPHRASE_PARAM_INFO, info, 0);
    params[1] = OSSL_PARAM_construct_end();
    if (!src->cb(pin, size - 1, &len, params, src->cbarg) || len == 0 ||
        len >= size) {
        raise_needs_pin(pc, token);
        return 0;
    }
    pin[len] = '\0';
    pin[strcspn(pin, "\r\n")] = '\0';
    return 1;
}

/* pin-source=env:NAME: the variable the user named (never a default one,
 * since the environment is visible to other processes of the user). */
static int read_pin_env(lithsm_provctx *pc, const char *name, char *pin,
                        size_t size)
{
    const char *value;
    size_t len;

    value = getenv(name);
    if (value == NULL || value[0] == '\0') {
        LITHSM_RAISE(pc, LITHSM_R_PIN_SOURCE,
                     "PIN variable %s is not set or empty", name);
        return 0;
    }
    len = strcspn(value, "\r\n");
    if (len == 0 || len >= size - 1) {
        LITHSM_RAISE(pc, LITHSM_R_PIN_SOURCE,
                     "PIN variable %s: empty or longer than %u bytes", name,
                     (unsigned)(size - 2));
        return 0;
    }
    memcpy(pin, value, len);
    pin[len] = '\0';
    return 1;
}

/* Reads the open file fd into pin (no stdio copy to wipe) and keeps its
 * first line. */
static int read_pin_fd(lithsm_provctx *pc, int fd, const char *path, char *pin,
                       size_t size)
{
    size_t len = 0;
    ssize_t n;

    while (len < size - 1) {
        n = read(fd, pin + len, size - 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            LITHSM_RAISE(pc, LITHSM_R_PIN_SOURCE, "PIN file %s: %s", path,
                         strerror(errno));
            return 0;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    pin[len] = '\0';
    pin[strcspn(pin, "\r\n")] = '\0';
    if (strlen(pin) == len && len == size - 1) {
        LITHSM_RAISE(pc, LITHSM_R_PIN_SOURCE,
                     "PIN file %s: first line longer than %u bytes", path,
                     (unsigned)(size - 2));
        return 0;
    }
    if (pin[0] == '\0') {
        LITHSM_RAISE(pc, LITHSM_R_PIN_SOURCE, "PIN file %s: empty PIN", path);
        return 0;
    }
    return 1;
}

/* pin-source=file:PATH.  The file must be owner-only: a PIN readable by
 * others is a leaked PIN. */
static int read_pin_file(lithsm_provctx *pc, const char *path, char *pin,
                         size_t size)
{
    struct stat st;
    int fd, ok = 0;

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        LITHSM_RAISE(pc, LITHSM_R_PIN_SOURCE, "PIN file %s: %s", path,
                     strerror(errno));
        return 0;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        LITHSM_RAISE(pc, LITHSM_R_PIN_SOURCE, "PIN file %s: not a regular file",
                     path);
    else if ((st.st_mode & 077) != 0)
        LITHSM_RAISE(pc, LITHSM_R_PIN_SOURCE,
                     "PIN file %s: readable by group or others "
                     "(chmod 600 it)",
                     path);
    else
        ok = read_pin_fd(pc, fd, path, pin, size);
    close(fd);
    return ok;
}

int lithsm_read_pin(lithsm_provctx *pc, const lithsm_pin *src,
                    const char *token, char *pin, size_t size)
{
    const char *source = src != NULL ? src->source : NULL;
    const char *arg = NULL;

    if (source == NULL && src != NULL && src->cb != NULL)
        return prompt_pin(pc, src, token, pin, size);
    if (source == NULL) {
        raise_needs_pin(pc, token);
        return 0;
    }
    switch (lithsm_pin_source_parse(source, &arg)) {
    case LITHSM_PIN_SOURCE_ENV:
        return read_pin_env(pc, arg, pin, size);
    case LITHSM_PIN_SOURCE_FILE:
        return read_pin_file(pc, arg, pin, size);
    case LITHSM_PIN_SOURCE_BAD_NAME:
        LITHSM_RAISE(pc, LITHSM_R_PIN_SOURCE,
                     "pin-source env:NAME: bad variable name");
        return 0;
    default:
        /* The value is not echoed: it may be a PIN put there by mistake. */
        LITHSM_RAISE(pc, LITHSM_R_PIN_SOURCE,
                     "pin-source must be file:PATH or env:NAME (other forms "
                     "are refused)");
        return 0;
    }
}
