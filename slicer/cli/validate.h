/* Validation of descriptor files without a daemon (slicectl validate).
 * All files are read first, so references between them (an NSD's VNFDs,
 * an NST's NSDs) are checked too; a referenced descriptor that is not among
 * the files is a warning, since its connection points cannot be checked. */
#ifndef SLC_VALIDATE_H
#define SLC_VALIDATE_H

#include <stddef.h>
#include <stdio.h>

/* Validates 'n' files.  Prints "OK <kind> <id>" on 'out' for each valid
 * descriptor and every diagnostic on 'diag_out'.  Returns the number of
 * errors (0 when everything is valid). */
size_t slc_validate_files(char *const *paths, size_t n, FILE *out,
                          FILE *diag_out);

#endif
