/* libFuzzer target: arbitrary bytes through the whole descriptor path —
 * YAML with positions, format recognition, old-IM conversion, schema
 * walk, checks, cross-references and links.  Must never crash, leak or
 * trip a sanitizer, whatever the input. */
#include <stddef.h>
#include <stdint.h>

#include "model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct slc_diags diags = SLC_DIAGS_INIT;
    struct slc_model_set set = {0};
    struct slc_model_file *f;
    json_t *missing = json_array();
    char line[1024];

    if (slc_model_load((const char *)data, size, "fuzz", &f, &diags) == 0) {
        for (size_t i = 0; i < f->n_descs; i++) {
            slc_model_set_add(&set, &f->descs[i]);
        }
        for (size_t i = 0; i < f->n_descs; i++) {
            json_decref(slc_descriptor_links(&f->descs[i]));
            slc_model_check_refs(&f->descs[i], &set, missing, &diags);
        }
        slc_model_set_clear(&set);
        slc_model_file_free(f);
    }
    for (size_t i = 0; i < diags.len; i++) {
        slc_diag_format(&diags.items[i], line, sizeof line);
    }
    json_decref(missing);
    slc_diags_clear(&diags);
    return 0;
}
