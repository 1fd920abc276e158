/* SPDX-License-Identifier: Apache-2.0 */
/* rt-digest.c -- what the last sync left on a bridge, kept in a file of
 * the run directory, so that a restarted ovs-flowd can tell from the
 * text of the flows it wants and a digest of the switch's flows that the
 * switch still holds exactly them, without parsing them all again or
 * keeping what the switch holds (see rt.h and rt-sync.c).
 *
 * The file, <rundir>/ovs-flowd.BRIDGE.digest, is one line:
 *
 *   ovs-flowd-digest 1 LIBOVS-VERSION TEXT-DIGEST WIRE-DIGEST N
 *
 * TEXT-DIGEST is the digest of the text of the desired flows,
 * WIRE-DIGEST that of the flows the switch was left with, N their
 * number.  Parsing the same text with the same library gives the same
 * flows, so a build whose text has TEXT-DIGEST wants the flows of
 * WIRE-DIGEST.  Nothing here is trusted beyond that: the switch's flows
 * are always dumped and digested, and any difference (the switch
 * restarted or changed meanwhile, another topology, another library, a
 * damaged file) means the full comparison. */
#include <config.h>

#include "rt.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dirs.h"
#include "openvswitch/version.h"
#include "openvswitch/vlog.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(rt_digest);

#define MAGIC "ovs-flowd-digest 1"

static char *
digest_path(const char *bridge)
{
    return xasprintf("%s/ovs-flowd.%s.digest", ovs_rundir(), bridge);
}

bool
rt_digest_load(const char *bridge, struct rt_digest *d, bool quiet)
{
    char *path = digest_path(bridge);
    char line[256], version[64];
    uint64_t t_hi, t_lo, w_hi, w_lo;
    unsigned long long n;
    bool ok = false;
    FILE *f;

    f = fopen(path, "r");
    if (!f) {
        if (errno != ENOENT && !quiet) {
            VLOG_WARN("%s: %s", path, ovs_strerror(errno));
        }
        free(path);
        return false;
    }
    if (fgets(line, sizeof line, f)
        && !strncmp(line, MAGIC " ", strlen(MAGIC " "))
        && sscanf(line + strlen(MAGIC " "),
                  "%63s %16"SCNx64"%16"SCNx64" %16"SCNx64"%16"SCNx64" %llu",
                  version, &t_hi, &t_lo, &w_hi, &w_lo, &n) == 6) {
        if (!strcmp(version, OVS_PACKAGE_VERSION)) {
            d->text.u64.hi = t_hi;
            d->text.u64.lo = t_lo;
            d->wire.u64.hi = w_hi;
            d->wire.u64.lo = w_lo;
            d->n = n;
            ok = true;
        } else if (!quiet) {
            VLOG_INFO("%s: written with libopenvswitch %s, not %s: "
                      "ignored", path, version, OVS_PACKAGE_VERSION);
        }
    } else if (!quiet) {
        VLOG_WARN("%s: not a digest ovs-flowd wrote: ignored", path);
    }
    fclose(f);
    free(path);
    return ok;
}

/* The new file is written beside the old one and renamed into place, so
 * that a crash leaves one or the other, or none.  The old one is removed
 * first: ext4 (auto_da_alloc) starts writing a file back when it is
 * renamed over another, and on a host whose disk is busy that held the
 * sync of one port in a hundred 130-250 ms (the bench's logs, at 1k and
 * 50k ports).  A crash between the two costs the next restart the full
 * comparison, as any missing file does. */
void
rt_digest_save(const char *bridge, const struct rt_digest *d)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);
    char *path = digest_path(bridge);
    char *tmp = xasprintf("%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    int error = 0;

    if (!f) {
        error = errno;
    } else {
        fprintf(f, MAGIC " %s %016"PRIx64"%016"PRIx64" %016"PRIx64
                "%016"PRIx64" %"PRIuSIZE"\n", OVS_PACKAGE_VERSION,
                d->text.u64.hi, d->text.u64.lo, d->wire.u64.hi,
                d->wire.u64.lo, d->n);
        if (ferror(f) | fclose(f)
            || (unlink(path) && errno != ENOENT)
            || rename(tmp, path)) {
            error = errno ? errno : EIO;
            unlink(tmp);
        }
    }
    if (error) {
        VLOG_WARN_RL(&rl, "%s: %s (a restart will compare every flow)",
                     path, ovs_strerror(error));
    }
    free(tmp);
    free(path);
}
