/* Dropping to a VDU's user; see netns-user.h. */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "netns-user.h"

int
slc_netns_become(uid_t uid, gid_t gid)
{
    if (uid == 0) {
        return 0;
    }
    if (setgroups(0, NULL) || setresgid(gid, gid, gid) ||
        setresuid(uid, uid, uid) || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
        return errno ? errno : EPERM;
    }
    return 0;
}

int
slc_netns_close_inherited(int keep, int keep2)
{
    int a = keep < keep2 ? keep : keep2, b = keep < keep2 ? keep2 : keep;
    int cuts[3] = {a, b, -1};
    unsigned int lo = 3;

    for (int i = 0; i < 2; i++) {
        if (cuts[i] < (int)lo) {
            continue;
        }
        if (cuts[i] > (int)lo && close_range(lo, (unsigned)cuts[i] - 1, 0)) {
            return errno;
        }
        lo = (unsigned)cuts[i] + 1;
    }
    return close_range(lo, ~0u, 0) ? errno : 0;
}

int
slc_netns_parse_ids(const char *text, uid_t *uid, gid_t *gid)
{
    unsigned long u, g;
    char end;

    if (!text || sscanf(text, "%lu:%lu%c", &u, &g, &end) != 2 ||
        u > 0xfffffffeul || g > 0xfffffffeul) {
        return -1;
    }
    *uid = (uid_t)u;
    *gid = (gid_t)g;
    return 0;
}
