/* What the two ONOS drivers (sdn-onos-vpls.c, sdn-onosof.c) share:
 * ONOS's device ids, the device a controller's list gives, and port
 * names of a device (sdn-onos.h). */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "of-rules.h"
#include "sdn-onos.h"

const char *
slc_sdn_onos_device(uint64_t dpid, char *buf, size_t size)
{
    snprintf(buf, size, "of:%016" PRIx64, dpid);
    return buf;
}

int
slc_sdn_onos_pick(struct slc_sdn_rest_op *op, const json_t *body,
                       const uint64_t *configured, uint64_t *dpid)
{
    const json_t *devices = json_object_get(body, "devices"), *d;
    struct slc_sdn_rest_switches sw = {0};
    char dev[32] = "", want[48];
    const char *id;
    size_t i;

    if (configured) {
        slc_sdn_onos_device(*configured, dev, sizeof dev);
    }
    json_array_foreach(devices, i, d)
    {
        id = json_string_value(json_object_get(d, "id"));
        slc_sdn_rest_switches_add(&sw, id ? id : "?", id && !strcmp(id, dev));
    }
    id = json_string_value(json_object_get(json_array_get(devices, 0), "id"));
    snprintf(want, sizeof want, "device %s", dev);
    if (!json_is_array(devices)) {
        slc_sdn_rest_fail(op, SLC_EIO, "GET /onos/v1/devices: the reply has "
                          "no device list");
        return SLC_EIO;
    }
    if (slc_sdn_rest_switches_pick(op, &sw, "devices",
                                   configured ? want : NULL)) {
        return SLC_EINVALID;
    }
    if (configured) {
        *dpid = *configured;
    } else if (!id || strncmp(id, "of:", 3) ||
               slc_of_dpid_parse(id + 3, dpid)) {
        slc_sdn_rest_fail(op, SLC_EINVALID, "device '%s' is not an OpenFlow "
                          "switch (of:<dpid>)", id ? id : "?");
        return SLC_EINVALID;
    }
    return 0;
}

/* A port of ONOS's list: number "port" (text; not "local"), name
 * annotations.portName. */
static bool
onos_port(const json_t *port, const char **name, uint32_t *number)
{
    const char *no = json_string_value(json_object_get(port, "port"));
    unsigned long n = no ? strtoul(no, NULL, 10) : 0;

    *name = json_string_value(
        json_object_get(json_object_get(port, "annotations"), "portName"));
    *number = n <= UINT32_MAX ? (uint32_t)n : 0;
    return no && strcmp(no, "local");
}

const char *
slc_sdn_onos_port(const json_t *ports, const char *s)
{
    return json_string_value(json_object_get(
        slc_sdn_rest_find_port(ports, s, onos_port), "port"));
}
