/* Error objects: codes, messages, context prefixes.  See slc-error.h. */
#include "slc-error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int
slc_error_set(struct slc_error *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;

        va_start(ap, fmt);
        err->code = code;
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return code;
}

int
slc_error_prefix(struct slc_error *err, const char *fmt, ...)
{
    char prefix[SLC_ERROR_MSG_SIZE];
    char joined[SLC_ERROR_MSG_SIZE];
    va_list ap;

    if (!err) {
        return SLC_EINVALID;
    }
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    snprintf(joined, sizeof joined, "%s: %s", prefix, err->msg);
    memcpy(err->msg, joined, sizeof err->msg);
    return err->code;
}

const char *
slc_strerror(int code)
{
    switch (code) {
    case SLC_OK:
        return "success";
#define SLC_ERRCODE_TEXT(name, value, text)                                  \
    case SLC_E##name:                                                        \
        return text;
        SLC_ERRCODES(SLC_ERRCODE_TEXT)
#undef SLC_ERRCODE_TEXT
    }
    return "unknown error";
}

const char *
slc_errname(int code)
{
    switch (code) {
    case SLC_OK:
        return "OK";
#define SLC_ERRCODE_NAME(name, value, text)                                  \
    case SLC_E##name:                                                        \
        return #name;
        SLC_ERRCODES(SLC_ERRCODE_NAME)
#undef SLC_ERRCODE_NAME
    }
    return "UNKNOWN";
}

/* The length of the valid UTF-8 sequence at 's' (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 0. */
static size_t
utf8_len(const unsigned char *s)
{
    size_t len = s[0] < 0x80 ? 1 : s[0] < 0xc2 ? 0 : s[0] < 0xe0 ? 2
               : s[0] < 0xf0 ? 3 : s[0] < 0xf5 ? 4 : 0;

    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            return 0;
        }
    }
    if ((len == 3 && ((s[0] == 0xe0 && s[1] < 0xa0) ||
                      (s[0] == 0xed && s[1] >= 0xa0))) ||
        (len == 4 && ((s[0] == 0xf0 && s[1] < 0x90) ||
                      (s[0] == 0xf4 && s[1] >= 0x90)))) {
        return 0;
    }
    return len;
}

void
slc_utf8_scrub(char *s)
{
    while (s && *s) {
        size_t len = utf8_len((const unsigned char *)s);

        if (len) {
            s += len;
        } else {
            *s++ = '?';
        }
    }
}
