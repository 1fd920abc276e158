/* SPDX-License-Identifier: Apache-2.0 */
/* rt-verify.c -- now and then (--verify-interval), the flows of ours on a
 * bridge's switch dumped, digested and compared with those installed, to
 * notice a flow modified in place behind ovs-flowd's back, which the
 * audit's counts do not see (see rt.h).
 *
 * A dump holds ovs-vswitchd's main loop for as long as it composes the
 * reply: the switch answers nobody meanwhile, not even a bare barrier,
 * and the bridge's own sync waits for it.  At 50k ports on two bridges
 * (2.76M flows), a port added while a whole bridge was dumped waited
 * 2.9 s for its bundle; dumped a table at a time, at 100k ports on three
 * bridges one table of 700k flows still held the switch 10-15 s.  So a
 * table of more than verify_slice_flows flows is dumped in slices (struct
 * rt_slices): the flows whose cookies' port bits end alike, selected by
 * the request's cookie mask.  The switch still walks the whole table for
 * each slice, but that is a small part of the cost: composing the reply
 * is the rest.  Every table that holds flows is dumped, ours or others'
 * (the tables' counts first), so that a flow with our cookie where none
 * of ours are is seen too.  Each slice is compared with what was
 * installed there, so a verification can stop when OVSDB changes the
 * bridge (b->verify_stop): the bridge's sync does not wait for the rest,
 * and the next verification, due at once, starts where this one stopped
 * (the slices verified before a sync were the switch's then, and the sync
 * changes switch and installed table alike).  It stops between two
 * requests, or in the middle of one: the dump a port's sync would
 * otherwise wait for (at 100k ports, one waited 9.5 s: the slice's dump
 * was queued behind ovs-vswitchd's work for the port itself, and a busy
 * bridge binds its ports when its thread is done) is abandoned, and
 * the connection it was on closed with the rest of the reply.  So a
 * verification has a connection of its own.  A slice whose dump three
 * attempts in a row abandoned is dumped to the end by the next one, so
 * that verifications get somewhere. */
#include <config.h>

#include "rt.h"

#include <errno.h>
#include <stdio.h>

#include "openvswitch/ofp-table.h"
#include "openvswitch/util.h"
#include "openvswitch/vconn.h"
#include "openvswitch/vlog.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(rt_verify);

/* About how many flows one request dumps at most
 * (rt_verify_set_slice()). */
static unsigned int verify_slice_flows = 65536;

void
rt_verify_set_slice(unsigned int flows)
{
    verify_slice_flows = MAX(flows, 1);
}

/* Returns how many slices a table of 'n' flows is dumped in: the fewest,
 * a power of two up to RT_SLICES, of at most verify_slice_flows each if
 * the flows spread evenly. */
static unsigned int
slices_for(uint32_t n)
{
    unsigned int k = 1;

    while (k < RT_SLICES && n / k > verify_slice_flows) {
        k *= 2;
    }
    return k;
}

/* Where table 'table' (OFPTT_ALL: no table said), slice 'slice' of
 * 'n_slices' (nothing said of one), is: " in table T (cookie slice S of
 * N)", written into 'buf'; returns 'buf'. */
#define WHERE_LEN 64
static const char *
where(char buf[WHERE_LEN], uint8_t table, unsigned int n_slices,
      unsigned int slice)
{
    char t[24] = "";

    if (table != OFPTT_ALL) {
        snprintf(t, sizeof t, " in table %"PRIu8, table);
    }
    if (n_slices > 1) {
        snprintf(buf, WHERE_LEN, "%s (cookie slice %u of %u)", t, slice,
                 n_slices);
    } else {
        snprintf(buf, WHERE_LEN, "%s", t);
    }
    return buf;
}

/* Logs that table 'table' (OFPTT_ALL: all), slice 'slice' of 'n_slices',
 * of b's switch holds 'n' flows of ours that are not the 'n_installed'
 * installed there, and has 'b' read back and synced. */
static void
tampered(struct rt_bridge *b, uint8_t table, unsigned int n_slices,
         unsigned int slice, size_t n, size_t n_installed)
{
    char buf[WHERE_LEN];

    VLOG_WARN("bridge %s: the switch's %"PRIuSIZE" flows of ours%s are "
              "not the %"PRIuSIZE" installed (by their digest): changed "
              "behind ovs-flowd's back; reading back and syncing",
              b->name, n, where(buf, table, n_slices, slice), n_installed);
    b->need_dump = true;
    b->n_tampered++;
}

/* Every table at once on 'vc', for a switch without table statistics.
 * Returns 0 or an errno value; adds to '*n_verified' what it compared. */
static int
verify_all(struct rt_bridge *b, struct vconn *vc, const bool *stop,
           size_t *n_verified)
{
    const struct rt_table *installed = &b->installed;
    ovs_u128 digest = OVS_U128_ZERO;
    int error;

    error = rt_digest_ours(vc, OFPTT_ALL, 1, 0, stop, &digest, n_verified);
    if (!error && (*n_verified != rt_table_count(installed)
                   || !ovs_u128_equals(digest, installed->digest))) {
        tampered(b, OFPTT_ALL, 1, 0, *n_verified, rt_table_count(installed));
    }
    return error;
}

/* Stops the verification of 'b' before table 't', slice 's' of
 * 'n_slices' ('abandoned': in the middle of its dump), begun at 'start':
 * the next one, due at once, starts there. */
static void
stop_at(struct rt_bridge *b, int t, unsigned int s, unsigned int n_slices,
        bool abandoned, long long int start)
{
    char buf[WHERE_LEN];

    b->verify_from = t;
    b->verify_slice = s;
    b->verify_slices = n_slices;
    b->verify_abandoned = abandoned;
    b->next_verify = time_msec();
    VLOG_DBG("bridge %s: verification stopped before table %d%s after "
             "%lld ms%s (a sync, a reload or an exit is waiting); the "
             "next one starts there", b->name, t,
             where(buf, OFPTT_ALL, n_slices, s), time_msec() - start,
             abandoned ? ", abandoning that request's dump" : "");
}

/* Records that the verification of 'b' that began at 'start' from table
 * 'first', slice 'first_slice' of 'first_slices', stopped
 * (b->verify_stop) before it asked for any flow: the next one starts
 * there too, and as many attempts in a row as before ('abandoned_before')
 * abandoned a dump there.  (Not from b's own fields: the verification
 * reset them when it began.) */
static void
stopped_before_dump(struct rt_bridge *b, int first, unsigned int first_slice,
                    unsigned int first_slices, unsigned int abandoned_before,
                    long long int start)
{
    stop_at(b, first, first_slice, first_slices, false, start);
    b->verify_abandoned = abandoned_before;
}

/* Dumps table after table on 'vc' from table 'first', slice 'first_slice'
 * of 'first_slices' (whose dump is not abandoned if 'finish_first': the
 * last attempt abandoned it, and each attempt is to get somewhere),
 * comparing each slice with what was installed there;
 * 'counts' are the switch's counts of each table's flows.  Returns 0 when
 * every table was compared (need_dump set if a slice differed),
 * ECANCELED if b->verify_stop stopped it (and where it did is recorded),
 * or another errno value.  Counts the requests and the flows compared in
 * '*n_requests' and '*n_verified'. */
static int
verify_tables(struct rt_bridge *b, struct vconn *vc, const uint32_t *counts,
              int first, unsigned int first_slice, unsigned int first_slices,
              bool finish_first, long long int start, size_t *n_requests,
              size_t *n_verified)
{
    const struct rt_table *installed = &b->installed;

    for (int t = first; t < OFPTT_ALL; t++) {
        uint32_t n_inst = installed->n_in_table[t];
        unsigned int n_slices, s = 0;

        if (!counts[t] && !n_inst) {
            continue;
        }
        n_slices = slices_for(MAX(counts[t], n_inst));
        if (t == first && n_slices == first_slices) {
            s = first_slice;
        }
        for (; s < n_slices; s++) {
            ovs_u128 digest = OVS_U128_ZERO, want;
            uint32_t n_want;
            size_t n = 0;
            int error;

            if (*n_requests
                && __atomic_load_n(&b->verify_stop, __ATOMIC_ACQUIRE)) {
                stop_at(b, t, s, n_slices, false, start);
                return ECANCELED;
            }
            error = rt_digest_ours(vc, t, n_slices, s,
                                   finish_first && !*n_requests
                                   ? NULL : &b->verify_stop, &digest, &n);
            ++*n_requests;
            if (error == ECANCELED) {
                stop_at(b, t, s, n_slices, true, start);
            }
            if (error) {
                return error;
            }
            rt_table_slice(installed, t, n_slices, s, &want, &n_want);
            if (n != n_want || !ovs_u128_equals(digest, want)) {
                tampered(b, t, n_slices, s, n, n_want);
                return 0;
            }
            *n_verified += n;
        }
    }
    return 0;
}

#define FINISH_AFTER 3

/* How long a verification waits for the switch's hello. */
#define VERIFY_OPEN_MS 30000

/* Says that the verification of 'b' begun at table 'first', slice
 * 'first_slice' of 'first_slices' ('abandoned' attempts in a row stopped
 * there) failed with errno value 'error' while 'doing' something on its
 * own connection: the next one, at the next interval, starts there
 * again.  The bridge's connection is left alone: its own requests tell
 * whether the switch is gone. */
static void
failed(struct rt_bridge *b, const char *doing, int error, int first,
       unsigned int first_slice, unsigned int first_slices,
       unsigned int abandoned)
{
    VLOG_WARN("bridge %s: verification failed %s on a connection of its "
              "own (%s); the bridge's connection is kept, and the next "
              "verification starts where this one did", b->name, doing,
              ovs_strerror(error));
    b->verify_from = first;
    b->verify_slice = first_slice;
    b->verify_slices = first_slices;
    b->verify_abandoned = abandoned;
}

void
rt_verify_bridge(struct rt_bridge *b)
{
    long long int start = time_msec();
    int first = b->verify_from;
    unsigned int first_slice = b->verify_slice;
    unsigned int first_slices = b->verify_slices;
    /* After FINISH_AFTER attempts in a row abandoned the same slice's
     * dump, the next one dumps it to the end: each gets somewhere, and a
     * port's ofport, which OVSDB brings an update after its row, still
     * stops the attempt that resumed at the row. */
    unsigned int abandoned_before = b->verify_abandoned;
    bool finish_first = abandoned_before >= FINISH_AFTER;
    char buf[WHERE_LEN];
    uint32_t counts[256];
    size_t n_verified = 0, n_requests = 0;
    struct vconn *vc;
    char *target;
    int error;

    rt_switch_schedule_verify(b);
    VLOG_DBG("bridge %s: verifying the flows of ours from table %d%s",
             b->name, first,
             where(buf, OFPTT_ALL, first_slice ? first_slices : 1,
                   first_slice));

    /* A connection of its own: a dump stopped half-way leaves the rest of
     * its reply there, and closing it throws that away.  A switch busy
     * for seconds (at 50k ports, with each port added) may not say hello
     * for that long: the wait stops, as a dump does, when a sync is due,
     * and what fails on this connection is this verification's, not the
     * bridge's (once it dropped the bridge's connection, and the read-back
     * that followed held a port's sync 19 s). */
    target = rt_switch_target(b);
    error = rt_open_or_stop(target, &b->verify_stop, VERIFY_OPEN_MS, &vc);
    free(target);
    if (error == ECANCELED) {
        stopped_before_dump(b, first, first_slice, first_slices,
                            abandoned_before, start);
        return;
    } else if (error) {
        failed(b, "connecting", error, first, first_slice, first_slices,
               abandoned_before);
        return;
    }
    error = rt_count_tables(vc, &b->verify_stop, counts);
    if (error == ECANCELED) {
        vconn_close(vc);
        stopped_before_dump(b, first, first_slice, first_slices,
                            abandoned_before, start);
        return;
    } else if (error == EPROTO) {
        first = 0;
        n_requests = 1;
        error = verify_all(b, vc, finish_first ? NULL : &b->verify_stop,
                           &n_verified);
        if (error == ECANCELED) {
            stop_at(b, 0, 0, 1, true, start);
        }
    } else if (!error) {
        error = verify_tables(b, vc, counts, first, first_slice,
                              first_slices, finish_first, start, &n_requests,
                              &n_verified);
    }
    vconn_close(vc);
    if (error == ECANCELED && b->verify_abandoned && b->verify_from == first
        && b->verify_slice == first_slice
        && b->verify_slices == first_slices) {
        b->verify_abandoned = abandoned_before + 1;     /* Again there. */
    }
    if (error == ECANCELED || b->need_dump) {
        return;         /* Stopped, or a difference found: said. */
    } else if (error) {
        failed(b, "dumping", error, first, first_slice, first_slices,
               abandoned_before);
        return;
    }
    b->last_verify = time_wall_msec();
    VLOG_DBG("bridge %s: verified %"PRIuSIZE" flows of ours (from table "
             "%d%s to 254, %"PRIuSIZE" requests) in %lld ms", b->name,
             n_verified, first,
             where(buf, OFPTT_ALL, first_slice ? first_slices : 1,
                   first_slice),
             n_requests, time_msec() - start);
}
