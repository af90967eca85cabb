/* slicectl validate: see validate.h. */
#include "validate.h"

#include <stdlib.h>
#include <string.h>

#include "model.h"

/* True when 'diags' holds an error about descriptor 'd'. */
static bool
has_error_for(const struct slc_diags *diags, const struct slc_descriptor *d)
{
    for (size_t i = 0; i < diags->len; i++) {
        const struct slc_diag *e = &diags->items[i];

        if (e->severity == SLC_DIAG_ERROR && e->subject && e->file &&
            !strcmp(e->subject, d->subject) &&
            !strcmp(e->file, d->file->name)) {
            return true;
        }
    }
    return false;
}

static void
check_all_refs(struct slc_model_file **files, size_t n,
               const struct slc_model_set *set, struct slc_diags *diags)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; files[i] && j < files[i]->n_descs; j++) {
            const struct slc_descriptor *d = &files[i]->descs[j];
            json_t *missing = json_array(), *m;
            size_t k;

            slc_model_check_refs(d, set, missing, diags);
            json_array_foreach(missing, k, m)
            {
                slc_diags_add(
                    diags, SLC_DIAG_WARNING, d->file->name,
                    (struct slc_pos){0, 0}, d->subject,
                    json_string_value(json_object_get(m, "path")),
                    "%s '%s' is not among the files given: references into "
                    "it were not checked",
                    json_string_value(json_object_get(m, "kind")),
                    json_string_value(json_object_get(m, "id")));
            }
            json_decref(missing);
        }
    }
}

size_t
slc_validate_files(char *const *paths, size_t n, FILE *out, FILE *diag_out)
{
    struct slc_model_file **files = calloc(n ? n : 1, sizeof *files);
    struct slc_diags diags = SLC_DIAGS_INIT;
    struct slc_model_set set = {0};
    size_t errors;

    if (!files) {
        fprintf(diag_out, "error: out of memory\n");
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        if (slc_model_load_file(paths[i], &files[i], &diags) == SLC_ENOMEM) {
            slc_diags_add(&diags, SLC_DIAG_ERROR, paths[i],
                          (struct slc_pos){0, 0}, NULL, NULL,
                          "out of memory");
        }
        for (size_t j = 0; files[i] && j < files[i]->n_descs; j++) {
            slc_model_set_add(&set, &files[i]->descs[j]);
        }
    }
    check_all_refs(files, n, &set, &diags);
    slc_diags_print(&diags, diag_out);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; files[i] && j < files[i]->n_descs; j++) {
            const struct slc_descriptor *d = &files[i]->descs[j];

            if (!has_error_for(&diags, d)) {
                fprintf(out, "OK %s %s\n", slc_desc_kind_name(d->kind),
                        d->id);
            }
        }
        slc_model_file_free(files[i]);
    }
    errors = diags.n_errors;
    slc_model_set_clear(&set);
    slc_diags_clear(&diags);
    free(files);
    return errors;
}
