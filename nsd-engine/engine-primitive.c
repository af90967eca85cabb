/* The engine's primitive steps (see engine.h): a step of kind
 * "primitive" runs a script in a compute through the VIM's exec call,
 * with arguments and environment that may name what earlier steps of the
 * plan reported (a port's address). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine-internal.h"

/* What a primitive's argument or environment value {step: k, info: key}
 * names: member 'key' of what step k's VIM call reported ("" if none). */
static const char *
step_info(const struct op *op, const json_t *ref)
{
    size_t k = (size_t)json_integer_value(json_object_get(ref, "step"));

    if (!json_is_object(ref) || k >= op->n_steps) {
        return "";
    }
    return json_string_value(json_object_get(
               json_object_get(op->steps[k].json, "info"),
               sget(ref, "info") ?: "ip_address"))
               ?: "";
}

/* Runs the primitive of a step: spec {compute (a step reference or a VIM
 * id), primitive, script, args [], env {}, timeout}. */
int
eng_launch_primitive(struct op *op, struct slc_vim *vim, uint64_t token,
                 const json_t *spec, struct slc_error *err)
{
    const json_t *args = json_object_get(spec, "args");
    const json_t *env = json_object_get(spec, "env");
    size_t n_args = json_array_size(args), n_env = json_object_size(env), k;
    const char **argv = calloc(n_args + 1, sizeof *argv);
    char **arg_text = calloc(n_args + 1, sizeof *arg_text);
    char **envp = calloc(n_env + 1, sizeof *envp);
    struct slc_vim_exec_spec es = {
        .name = sget(spec, "primitive"),
        .compute_id = eng_resolve_ref(op, json_object_get(spec, "compute")),
        .script = sget(spec, "script"),
        .timeout_s = (unsigned)json_integer_value(json_object_get(spec,
                                                                  "timeout")),
    };
    const char *key;
    const json_t *v;
    int rc = 0;

    if (!argv || !arg_text || !envp) {
        rc = slc_error_set(err, SLC_ENOMEM, "out of memory");
    } else if (!vim->class->exec) {
        rc = slc_error_set(err, SLC_EUNSUPPORTED,
                           "vim '%s' (type %s) runs no primitive",
                           vim->drv.name, vim->class->type);
    } else if (!es.compute_id || !es.script || !es.name) {
        rc = slc_error_set(err, SLC_EINVALID,
                           "primitive '%s': its VDU or script is unknown",
                           es.name ? es.name : "?");
    }
    json_array_foreach(rc ? NULL : args, k, v)
    {
        /* a value a step of this plan found: {step, info, prefix} */
        if (asprintf(&arg_text[k], "%s%s", sget(v, "prefix") ?: "",
                     json_string_value(v) ?: step_info(op, v)) < 0) {
            arg_text[k] = NULL;
            rc = slc_error_set(err, SLC_ENOMEM, "out of memory");
            break;
        }
        argv[k] = arg_text[k];
    }
    k = 0;
    json_object_foreach(rc ? NULL : (json_t *)env, key, v)
    {
        if (asprintf(&envp[k], "%s=%s", key,
                     json_string_value(v) ?: step_info(op, v)) < 0) {
            envp[k] = NULL;
            rc = slc_error_set(err, SLC_ENOMEM, "out of memory");
            break;
        }
        k++;
    }
    if (!rc) {
        es.argv = argv;
        es.env = (const char *const *)envp;
        rc = vim->class->exec(vim, token, &es, err);
    }
    for (size_t i = 0; envp && i < n_env; i++) {
        free(envp[i]);
    }
    for (size_t i = 0; arg_text && i < n_args; i++) {
        free(arg_text[i]);
    }
    free(envp);
    free(arg_text);
    free(argv);
    return rc;
}
