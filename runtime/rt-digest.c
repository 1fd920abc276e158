/* SPDX-License-Identifier: Apache-2.0 */
/* rt-digest.c -- what the last sync left on a bridge, kept in a file of
 * the run directory, so that a restarted ovs-flowd can tell from the
 * text of the flows it wants and a digest of the switch's flows that the
 * switch still holds exactly them, without parsing them all again or
 * keeping what the switch holds (see rt.h and rt-sync.c).
 *
 * The file, <rundir>/ovs-flowd.BRIDGE.digest, is two lines:
 *
 *   ovs-flowd-digest 2 LIBOVS-VERSION TEXT-DIGEST WIRE-DIGEST N SOURCE P
 *   OFPORT-1 ... OFPORT-P
 *
 * TEXT-DIGEST is the digest of the text of the desired flows,
 * WIRE-DIGEST that of the flows the switch was left with, N their
 * number, SOURCE the hash of what the flows were generated from (struct
 * rt_digest); the second line has the ofports they were built for, one
 * for each of the bridge's P topology ports, in the topology's order (0:
 * none).  Parsing the same text with the same library gives the same
 * flows, so a build whose text has TEXT-DIGEST wants the flows of
 * WIRE-DIGEST; and with the ofports, a restart can tell before OVSDB
 * says the ofports whether the topology still wants the flows that sync
 * left (rt-sync.c).  Nothing here is trusted beyond that: the text is
 * generated again from the topology and digested, the switch's flows are
 * always dumped and digested, and any difference (the switch restarted
 * or changed meanwhile, another topology, another library, a damaged
 * file, format 1 of an older ovs-flowd) means the full comparison. */
#include <config.h>

#include "rt.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dirs.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/version.h"
#include "openvswitch/vlog.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(rt_digest);

#define MAGIC "ovs-flowd-digest 2"

static char *
digest_path(const char *bridge)
{
    return xasprintf("%s/ovs-flowd.%s.digest", ovs_rundir(), bridge);
}

bool
rt_digest_load(const char *bridge, size_t n_ports, struct rt_digest *d,
               unsigned int **ofportsp)
{
    char *path = digest_path(bridge);
    char line[256] = "", version[64];
    uint64_t t_hi, t_lo, w_hi, w_lo, s_hi, s_lo;
    unsigned long long n, p;
    unsigned int *ofports = NULL;
    FILE *f;

    *ofportsp = NULL;
    f = fopen(path, "r");
    if (!f) {
        if (errno != ENOENT) {
            VLOG_WARN("%s: %s", path, ovs_strerror(errno));
        }
        free(path);
        return false;
    }
    if (!fgets(line, sizeof line, f)
        || strncmp(line, MAGIC " ", strlen(MAGIC " "))
        || sscanf(line + strlen(MAGIC " "),
                  "%63s %16"SCNx64"%16"SCNx64" %16"SCNx64"%16"SCNx64
                  " %llu %16"SCNx64"%16"SCNx64" %llu", version, &t_hi,
                  &t_lo, &w_hi, &w_lo, &n, &s_hi, &s_lo, &p) != 9) {
        VLOG_WARN("%s: %s: ignored", path,
                  (!strncmp(line, "ovs-flowd-digest 1 ", 19)
                   ? "written by an older ovs-flowd (format 1)"
                   : "not a digest ovs-flowd wrote"));
    } else if (strcmp(version, OVS_PACKAGE_VERSION)) {
        VLOG_INFO("%s: written with libopenvswitch %s, not %s: ignored",
                  path, version, OVS_PACKAGE_VERSION);
    } else if (p != n_ports) {
        VLOG_INFO("%s: written for %llu ports, the bridge has %"PRIuSIZE
                  " now: ignored", path, p, n_ports);
    } else {
        ofports = xcalloc(n_ports + 1, sizeof *ofports);
        for (size_t i = 0; i < n_ports; i++) {
            if (fscanf(f, "%u", &ofports[i]) != 1) {
                VLOG_WARN("%s: not a digest ovs-flowd wrote: ignored",
                          path);
                free(ofports);
                ofports = NULL;
                break;
            }
        }
    }
    fclose(f);
    free(path);
    if (!ofports) {
        return false;
    }
    d->text.u64.hi = t_hi;
    d->text.u64.lo = t_lo;
    d->wire.u64.hi = w_hi;
    d->wire.u64.lo = w_lo;
    d->n = n;
    d->source.u64.hi = s_hi;
    d->source.u64.lo = s_lo;
    *ofportsp = ofports;
    return true;
}

/* Appends 'v' in decimal and 'sep' to 's', without ds_put_format()'s
 * parsing of a format for each of 50k numbers. */
static void
put_uint(struct ds *s, unsigned int v, char sep)
{
    char buf[16];
    int i = sizeof buf;

    buf[--i] = sep;
    do {
        buf[--i] = '0' + v % 10;
        v /= 10;
    } while (v);
    ds_put_buffer(s, buf + i, sizeof buf - i);
}

/* The new file is written beside the old one and renamed into place, so
 * that a crash leaves one or the other, or none.  The old one is removed
 * first: ext4 (auto_da_alloc) starts writing a file back when it is
 * renamed over another, and on a host whose disk is busy that held the
 * sync of one port in a hundred 130-250 ms (the bench's logs, at 1k and
 * 50k ports).  A crash between the two costs the next restart the full
 * comparison, as any missing file does. */
void
rt_digest_save(const char *bridge, const struct rt_digest *d,
               const unsigned int *ofports, size_t n_ports)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);
    char *path = digest_path(bridge);
    char *tmp = xasprintf("%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    int error = 0;

    if (!f) {
        error = errno;
    } else {
        /* One buffer, one write: this runs after each sync, also of one
         * port among 50k (some 300 KB then). */
        struct ds s = DS_EMPTY_INITIALIZER;

        ds_put_format(&s, MAGIC " %s %016"PRIx64"%016"PRIx64" %016"PRIx64
                      "%016"PRIx64" %"PRIuSIZE" %016"PRIx64"%016"PRIx64
                      " %"PRIuSIZE"\n", OVS_PACKAGE_VERSION,
                      d->text.u64.hi, d->text.u64.lo, d->wire.u64.hi,
                      d->wire.u64.lo, d->n, d->source.u64.hi,
                      d->source.u64.lo, n_ports);
        for (size_t i = 0; i < n_ports; i++) {
            put_uint(&s, ofports[i], i + 1 < n_ports ? ' ' : '\n');
        }
        fwrite(s.string, 1, s.length, f);
        ds_destroy(&s);
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
