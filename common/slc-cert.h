/* slicerd's self-signed TLS certificate: HTTPS by default, as OSM's NBI,
 * without an operator having to make one.
 *
 * The certificate and its key live in a directory of the daemon's state
 * (cert.pem, mode 0644; key.pem, mode 0600, written whole or not at all).
 * The first start makes them: an ECDSA P-256 key and a certificate for
 * "slicerd" valid for ten years, for localhost, 127.0.0.1, ::1, the host's
 * name and the address slicerd listens on; later starts use them as they
 * are, so that clients that trust the certificate keep trusting it. */
#ifndef SLC_CERT_H
#define SLC_CERT_H

#include <stdbool.h>

#include "slc-error.h"

/* SHA-256 fingerprint as "AB:CD:...": 32 bytes, 95 characters. */
#define SLC_CERT_FINGERPRINT_LEN 96

/* Loads the certificate and key in 'dir', or makes them (and 'dir') when
 * neither exists; 'listen' is the listen address, added to the names
 * when it is a specific one.  '*cert_pem' and '*key_pem' are malloc'd
 * PEM texts (the caller wipes the key and frees both); 'fingerprint'
 * gets the certificate's SHA-256 fingerprint and '*created' whether it
 * was made now.  One of the two files without the other, or files that
 * are not a certificate and its key, is an error naming the file. */
int slc_cert_self_signed(const char *dir, const char *listen,
                         char **cert_pem, char **key_pem,
                         char fingerprint[SLC_CERT_FINGERPRINT_LEN],
                         bool *created, struct slc_error *err);

/* The SHA-256 fingerprint of the first certificate of 'pem'. */
int slc_cert_fingerprint(const char *pem,
                         char fingerprint[SLC_CERT_FINGERPRINT_LEN],
                         struct slc_error *err);

#endif
