/* slicerd's self-signed TLS certificate.  See slc-cert.h. */
#include <errno.h>
#include <fcntl.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "slc-cert.h"
#include "slc-file.h"

#define VALID_DAYS (10 * 365)

/* What OpenSSL says last went wrong, or 'fallback'. */
static const char *
ssl_reason(char *buf, size_t size, const char *fallback)
{
    unsigned long e = ERR_get_error();

    ERR_clear_error();
    if (!e) {
        return fallback;
    }
    ERR_error_string_n(e, buf, size);
    return buf;
}

int
slc_cert_fingerprint(const char *pem, char fingerprint[SLC_CERT_FINGERPRINT_LEN],
                     struct slc_error *err)
{
    BIO *b = BIO_new_mem_buf(pem, -1);
    X509 *x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    int rc = 0;

    if (!x || X509_digest(x, EVP_sha256(), md, &len) != 1 || len != 32) {
        rc = slc_error_set(err, SLC_EINVALID, "not a PEM certificate");
    } else {
        for (unsigned i = 0; i < len; i++) {
            snprintf(fingerprint + 3 * i, 4, i + 1 < len ? "%02X:" : "%02X",
                     md[i]);
        }
    }
    ERR_clear_error();
    X509_free(x);
    BIO_free(b);
    return rc;
}

/* The subjectAltName value: localhost, the loopback addresses, the host's
 * name, and 'listen' unless it is a wildcard or loopback. */
static void
alt_names(const char *listen, char *out, size_t size)
{
    char host[256] = "";
    int n = snprintf(out, size, "DNS:localhost,IP:127.0.0.1,IP:::1");

    if (!gethostname(host, sizeof host - 1) && host[0] &&
        strcmp(host, "localhost") && !strpbrk(host, ",:")) {
        n += snprintf(out + n, size - (size_t)n, ",DNS:%s", host);
    }
    if (listen && strcmp(listen, "0.0.0.0") && strcmp(listen, "::") &&
        strcmp(listen, "127.0.0.1") && strcmp(listen, "::1") &&
        n < (int)size) {
        snprintf(out + n, size - (size_t)n, ",IP:%s", listen);
    }
}

/* A new key and certificate, as PEM texts. */
static int
make(const char *listen, char **cert_pem, char **key_pem,
     struct slc_error *err)
{
    EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    X509 *x = X509_new();
    X509_NAME *name;
    X509_EXTENSION *ext = NULL;
    X509V3_CTX v3;
    BIO *cb = BIO_new(BIO_s_mem()), *kb = BIO_new(BIO_s_mem());
    unsigned char serial[16];
    BIGNUM *bn = NULL;
    char sans[600], buf[200];
    const char *why = NULL;
    char *data;
    long len;

    *cert_pem = *key_pem = NULL;
    if (!key || !x || !cb || !kb) {
        why = "cannot make a key";
        goto out;
    }
    /* a random positive serial, as RFC 5280 wants */
    if (RAND_bytes(serial, sizeof serial) != 1) {
        why = "no random serial";
        goto out;
    }
    serial[0] &= 0x7f;
    bn = BN_bin2bn(serial, sizeof serial, NULL);
    name = X509_get_subject_name(x);
    alt_names(listen, sans, sizeof sans);
    X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
    if (!bn || X509_set_version(x, 2) != 1 ||
        !BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) ||
        !X509_gmtime_adj(X509_getm_notBefore(x), -3600) ||
        !X509_gmtime_adj(X509_getm_notAfter(x), 86400L * VALID_DAYS) ||
        X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                                   (const unsigned char *)"slicer", -1, -1,
                                   0) != 1 ||
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                   (const unsigned char *)"slicerd", -1, -1,
                                   0) != 1 ||
        X509_set_issuer_name(x, name) != 1 ||
        X509_set_pubkey(x, key) != 1) {
        why = "cannot fill the certificate";
        goto out;
    }
    /* a self-signed end-entity certificate: what clients check against
     * their trust file and the host name */
    const char *exts[][2] = {
        {"subjectAltName", sans},
        {"basicConstraints", "critical,CA:FALSE"},
        {"keyUsage", "critical,digitalSignature"},
        {"extendedKeyUsage", "serverAuth"},
        {"subjectKeyIdentifier", "hash"},
    };
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
        ext = X509V3_EXT_conf(NULL, &v3, exts[i][0], exts[i][1]);
        if (!ext || X509_add_ext(x, ext, -1) != 1) {
            why = "cannot add the certificate's extensions";
            goto out;
        }
        X509_EXTENSION_free(ext);
        ext = NULL;
    }
    if (!X509_sign(x, key, EVP_sha256()) || !PEM_write_bio_X509(cb, x) ||
        !PEM_write_bio_PrivateKey(kb, key, NULL, NULL, 0, NULL, NULL)) {
        why = "cannot sign the certificate";
        goto out;
    }
    len = BIO_get_mem_data(cb, &data);
    *cert_pem = strndup(data, (size_t)len);
    len = BIO_get_mem_data(kb, &data);
    *key_pem = strndup(data, (size_t)len);
    if (!*cert_pem || !*key_pem) {
        why = "out of memory";
    }
out:
    if (why) {
        slc_error_set(err, SLC_EIO, "TLS: %s: %s", why,
                      ssl_reason(buf, sizeof buf, "no reason given"));
        free(*cert_pem);
        if (*key_pem) {
            explicit_bzero(*key_pem, strlen(*key_pem));
        }
        free(*key_pem);
        *cert_pem = *key_pem = NULL;
    }
    X509_EXTENSION_free(ext);
    BN_free(bn);
    BIO_free(cb);
    BIO_free(kb);
    X509_free(x);
    EVP_PKEY_free(key);
    return why ? err->code : 0;
}

/* Writes 'text' to 'path' whole or not at all (a temporary file renamed
 * over it), with 'mode'. */
static int
write_whole(const char *path, const char *text, mode_t mode,
            struct slc_error *err)
{
    char tmp[4096];
    size_t len = strlen(text);
    int fd, e = 0;

    if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp) {
        return slc_error_set(err, SLC_EINVALID, "'%s': path too long", path);
    }
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
              mode);
    if (fd < 0) {
        return slc_error_set(err, SLC_EIO, "'%s': %s", tmp, strerror(errno));
    }
    if (fchmod(fd, mode) || write(fd, text, len) != (ssize_t)len ||
        fsync(fd)) {
        e = errno ? errno : EIO;
    }
    if (close(fd) && !e) {
        e = errno;
    }
    if (!e && rename(tmp, path)) {
        e = errno;
    }
    if (e) {
        unlink(tmp);
        return slc_error_set(err, SLC_EIO, "'%s': %s", path, strerror(e));
    }
    return 0;
}

/* Whether 'key_pem' is the private key of the certificate 'cert_pem'. */
static bool
key_fits(const char *cert_pem, const char *key_pem)
{
    BIO *cb = BIO_new_mem_buf(cert_pem, -1), *kb = BIO_new_mem_buf(key_pem, -1);
    X509 *x = cb ? PEM_read_bio_X509(cb, NULL, NULL, NULL) : NULL;
    EVP_PKEY *k = kb ? PEM_read_bio_PrivateKey(kb, NULL, NULL, NULL) : NULL;
    bool fits = x && k && X509_check_private_key(x, k) == 1;

    ERR_clear_error();
    X509_free(x);
    EVP_PKEY_free(k);
    BIO_free(cb);
    BIO_free(kb);
    return fits;
}

int
slc_cert_self_signed(const char *dir, const char *listen, char **cert_pem,
                     char **key_pem,
                     char fingerprint[SLC_CERT_FINGERPRINT_LEN],
                     bool *created, struct slc_error *err)
{
    char cert_path[4096], key_path[4096];
    bool have_cert, have_key;
    size_t size;
    int rc;

    *cert_pem = *key_pem = NULL;
    *created = false;
    if ((size_t)snprintf(cert_path, sizeof cert_path, "%s/cert.pem", dir) >=
            sizeof cert_path ||
        (size_t)snprintf(key_path, sizeof key_path, "%s/key.pem", dir) >=
            sizeof key_path) {
        return slc_error_set(err, SLC_EINVALID, "'%s': path too long", dir);
    }
    have_cert = !access(cert_path, F_OK);
    have_key = !access(key_path, F_OK);
    if (have_cert != have_key) {
        return slc_error_set(err, SLC_EINVALID,
                             "TLS: '%s' is there without '%s': remove it "
                             "to have a new certificate made, or restore "
                             "the other",
                             have_cert ? cert_path : key_path,
                             have_cert ? key_path : cert_path);
    }
    if (have_cert) {
        rc = slc_read_file(cert_path, 1 << 20, cert_pem, &size, err);
        rc = rc ? rc : slc_read_file(key_path, 1 << 20, key_pem, &size, err);
        if (!rc && !key_fits(*cert_pem, *key_pem)) {
            rc = slc_error_set(err, SLC_EINVALID,
                               "TLS: '%s' is not the key of '%s'", key_path,
                               cert_path);
        }
    } else {
        if (mkdir(dir, 0700) && errno != EEXIST) {
            return slc_error_set(err, SLC_EIO, "'%s': %s", dir,
                                 strerror(errno));
        }
        rc = make(listen, cert_pem, key_pem, err);
        /* the key first: a certificate without its key is refused */
        rc = rc ? rc : write_whole(key_path, *key_pem, 0600, err);
        rc = rc ? rc : write_whole(cert_path, *cert_pem, 0644, err);
        *created = !rc;
    }
    rc = rc ? rc : slc_cert_fingerprint(*cert_pem, fingerprint, err);
    if (rc) {
        free(*cert_pem);
        if (*key_pem) {
            explicit_bzero(*key_pem, strlen(*key_pem));
        }
        free(*key_pem);
        *cert_pem = *key_pem = NULL;
    }
    return rc;
}
