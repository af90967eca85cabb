/* Network slice subnet instances (NSSI) that slicer serves as an NSSMF
 * to an NSMF above it (slice-managers.md §7, §8 "as NSSMF").  One store
 * behind every dialect: the 3GPP generic provisioning MnS
 * (NetworkSliceSubnet MOIs), TS 28.531's SliceProfiles (Rel-16 and
 * Rel-18 forms) and ONAP's NSSMF job API; an NSSI made through one is
 * seen through the others.
 *
 * Each slice profile on an NSSI is one slice request (slice.h,
 * slc_slice_request): its S-NSSAI, latency and sharing choose the NST and
 * pass admission exactly as a slice request does, and the NSI it gets is
 * the NSSI's.  A SHARED profile whose S-NSSAI a SHARED NSSI already
 * serves joins that NSSI (TS 28.531 7.3: sliceProfileList grows, the NSI
 * is reused); deallocating a profile removes it, and the NSSI goes with
 * its last one (its NSI is terminated when no other request uses it).
 *
 * Collection "nssis" (name = the MOI id):
 *   {_id, id, networkSliceSubnetType, administrativeState,
 *    operationalState, sliceProfileList [profiles as given],
 *    nsiId, priorityLabel?, userLabel?,
 *    profiles {sliceProfileId -> {request, job, nsiRef?}},
 *    _admin {projects_read, projects_write, created, modified}}
 * Collection "nssi_jobs" (name = the NSSI id): what one allocation,
 * deallocation, activation or deactivation did, as ONAP's jobs show it:
 *   {_id, nssiId, sliceProfileId, kind, nsilcmopId?, status
 *    (processing|finished|error), progress 0..100, statusDescription,
 *    history [{status, progress, statusDescription, responseId}],
 *    _admin {projects_read, projects_write, created}}
 *
 * operationalState is slicer's (ENABLED while the NSI is instantiated
 * and running); administrativeState is the consumer's (LOCKED at
 * creation unless given; UNLOCKED = activated; SHUTTINGDOWN takes no new
 * profiles).  Every change of an NSSI is told through the slicer's
 * nssi_event hook (slice.h), which slicerd turns into 3GPP
 * notifications. */
#ifndef SLC_NSSI_H
#define SLC_NSSI_H

#include <jansson.h>
#include <stdbool.h>

#include "slc-error.h"
#include "slc-store.h"

struct slc_slicer;

#define SLC_NSSI_COLL "nssis"
#define SLC_NSSI_JOBS "nssi_jobs"

/* An allocation: one slice profile for an NSSI. */
struct slc_nssi_alloc {
    /* The MOI id the consumer chose (createMOI by PUT), or NULL: the
     * NSSI that shares the profile, or a new one. */
    const char *id;
    /* A SliceProfile in any of the shapes of slice-managers.md §2.2
     * (Rel-16 flat, Rel-17+ nested, ONAP's), with its sliceProfileId. */
    const json_t *profile;
    const char *subnet_type;   /* networkSliceSubnetType; NULL = CN */
    const char *admin_state;   /* NULL = LOCKED */
    const char *nsi_ref;       /* ONAP's nsiId (idempotency key), or NULL */
    /* Other writable attributes kept on a new NSSI (priorityLabel,
     * userLabel), or NULL. */
    const json_t *attributes;
    /* The VIM account (name or id) of a new slice; NULL = the one the
     * daemon is configured with, else the project's only account. */
    const char *vim_account;
};

/* Allocates 'a->profile' for scope 'sc' (the project whose NSTs and VIM
 * accounts it may use, which owns the NSSI).  The NSSI record goes to
 * '*nssi' and its job to '*job' (new references; either may be NULL).
 * The same sliceProfileId again (with the same nsi_ref) is not a second
 * allocation: the first result comes back with '*existed' true.
 * SLC_EINVALID naming the bad profile member or value; SLC_ECONFLICT when
 * no NST serves it, it does not fit, its S-NSSAI is held unshared, or a
 * chosen id would share another NSSI's slice (each with the reasons);
 * SLC_EEXISTS when 'a->id' exists with other profiles.  Nothing is made
 * on failure. */
int slc_nssi_allocate(struct slc_slicer *s, const struct slc_nssi_alloc *a,
                      const struct slc_scope *sc, json_t **nssi,
                      json_t **job, bool *existed, struct slc_error *err);

/* Removes profile 'profile_id' from NSSI 'nssi_id' (NULL: whichever NSSI
 * of the scope has it); the NSSI goes with its last profile.  The job
 * goes to '*job' (may be NULL).  SLC_ENOTFOUND when no NSSI of the scope
 * has that profile. */
int slc_nssi_deallocate(struct slc_slicer *s, const char *nssi_id,
                        const char *profile_id, const struct slc_scope *sc,
                        json_t **job, struct slc_error *err);

/* deleteMOI: deallocates every profile of NSSI 'id'.  SLC_ENOTFOUND when
 * the scope has no such NSSI. */
int slc_nssi_delete(struct slc_slicer *s, const char *id,
                    const struct slc_scope *sc, struct slc_error *err);

/* modifyMOIAttributes of NSSI 'id' with 'attrs' (the new values of
 * writable attributes: administrativeState, priorityLabel, userLabel,
 * sliceProfileList, whose new profiles are allocated on this NSSI and
 * whose missing ones deallocated).  A job for an activation or a
 * deactivation goes to '*job' when one was made (may be NULL).
 * SLC_EINVALID naming a read-only or unknown attribute or a bad value;
 * SLC_ECONFLICT when a new profile cannot join this NSSI. */
int slc_nssi_modify(struct slc_slicer *s, const char *id,
                    const json_t *attrs, const struct slc_scope *sc,
                    json_t **job, struct slc_error *err);

/* The MOI attributes of stored NSSI 'nssi' as TS 28.541 names them
 * (operationalState, administrativeState, networkSliceSubnetType,
 * sliceProfileList, nsInfo, managedFunctionRefList, priorityLabel,
 * userLabel); new reference. */
json_t *slc_nssi_attributes(struct slc_slicer *s, const json_t *nssi);

/* Finds the NSSI of scope 'sc' that has profile 'profile_id' (and
 * nsi_ref, when not NULL) into 'out'.  SLC_ENOTFOUND otherwise. */
int slc_nssi_find_profile(struct slc_slicer *s, const char *profile_id,
                          const char *nsi_ref, const struct slc_scope *sc,
                          struct slc_record *out, struct slc_error *err);

/* Reads a 3GPP SliceProfile, or a ServiceProfile when 'service'
 * (serviceProfileId, networkSliceSharingIndicator), in any of the shapes
 * of slice-managers.md §2 into the serviceProfile of a slice request
 * (slice.h, slc_slice_request; new reference to '*sp'); its id goes to
 * '*id' (borrowed from 'profile').  SLC_EINVALID naming the member and
 * the value. */
int slc_profile_to_request(const json_t *profile, bool service, json_t **sp,
                           const char **id, struct slc_error *err);

/* The VIM account of a new slice into 'out': 'asked' (a name or id),
 * else the daemon's default_vim_account (slice.h), else the project's
 * only one; SLC_ECONFLICT when the project has none or several. */
int slc_default_vim_account(struct slc_slicer *s, const char *asked,
                            const struct slc_scope *sc, char out[64],
                            struct slc_error *err);

/* A slice operation changed state (the daemon's state hook): the NSSIs
 * and jobs of its NSI follow; a failed allocation removes its profile
 * (and the NSSI with its last one), its job keeps the error. */
void slc_nssi_track(struct slc_slicer *s, const json_t *op);

/* At start, after slc_slicer_recover: brings every NSSI's
 * operationalState and unfinished jobs up to date with their slices. */
int slc_nssi_reconcile(struct slc_slicer *s, struct slc_error *err);

#endif
