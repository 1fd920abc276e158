/* SPDX-License-Identifier: Apache-2.0 */
/* rt-bulk.c -- loading a bridge that holds none of our flows over several
 * connections at once, behind a guard flow (see rt.h).
 *
 * ovs-vswitchd reads at most 50 messages from one OpenFlow connection per
 * main-loop iteration, and an iteration of the userspace datapath costs
 * as much as the bridge has ports (it polls each of them): 50k flows sent
 * over one connection to a bridge of 1000 ports take a thousand
 * iterations of which the flow mods are a small part.  Over four
 * connections the same flows take a quarter of the iterations.
 *
 * A bundle belongs to one connection, so the flows can no longer arrive
 * in one bundle.  What keeps the load all-or-nothing instead:
 *   1. a guard flow is added first (table 0, the highest priority,
 *      matching everything, no actions: every packet dropped) and
 *      confirmed by a barrier; until it goes, no flow of the load can
 *      forward anything, however far the load got;
 *   2. each connection sends its share as one bundle (rt-bundle.c);
 *   3. only once every share is committed is the guard deleted, in one
 *      flow mod: the whole table takes effect at once.
 * If the switch refuses anything, every flow of ours is deleted again
 * (the guard last of all, in the same flow mod), leaving the switch as it
 * was.  If a connection breaks, the guard stays: the bridge drops
 * everything until ovs-flowd reconnects, reads back what got in (the
 * guard included, as it carries our cookie) and sends the rest, deleting
 * the guard, in one ordinary bundle.
 *
 * The guard also drops what flows of others would have forwarded during
 * the load; the bridge had none of our flows yet, so it protected no one
 * and its guests were not ours to keep connected. */
#include <config.h>

#include "rt.h"

#include <errno.h>

#include "byte-order.h"
#include "openvswitch/match.h"
#include "openvswitch/ofp-bundle.h"
#include "openvswitch/ofp-errors.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofp-msgs.h"
#include "openvswitch/ofp-protocol.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/vconn.h"
#include "openvswitch/vlog.h"
#include "ovs-thread.h"
#include "pipe.h"
#include "socket-util.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(rt_bulk);

/* The guard's cookie: our tag, every other bit set (no rule kind has
 * that number, so nothing of the pipeline ever carries it). */
#define GUARD_COOKIE (PIPE_COOKIE_OURS | ~PIPE_COOKIE_OURS_MASK)

/* One connection's share of the load: the flow mods it takes from the
 * queue the shares have in common. */
struct share {
    struct vconn *vconn;        /* Owned, except share 0's. */
    struct rt_queue *q;         /* Shared by all. */
    struct ovs_list errors;     /* What the switch refused. */
    int error;                  /* rt_bundle_transact()'s result. */
    pthread_t thread;
};

/* Returns true if the switch at 'vconn' holds a flow in the guard's place
 * (table 0, priority 65535, matching everything) or cannot say: adding
 * the guard would replace it, and deleting the guard would lose it. */
static bool
guard_place_taken(struct vconn *vconn)
{
    struct ofputil_flow_stats_request fsr = {
        .out_port = OFPP_ANY,
        .out_group = OFPG_ANY,
        .table_id = 0,
    };
    struct ofputil_flow_stats *fses = NULL;
    size_t n = 0;
    bool taken = false;

    match_init_catchall(&fsr.match);
    if (vconn_dump_flows(vconn, &fsr, OFPUTIL_P_OF15_OXM, &fses, &n)) {
        return true;
    }
    for (size_t i = 0; i < n; i++) {
        taken |= (fses[i].priority == UINT16_MAX
                  && match_equal(&fses[i].match, &fsr.match));
        free(CONST_CAST(struct ofpact *, fses[i].ofpacts));
    }
    free(fses);
    return taken;
}

static void *
share_thread(void *s_)
{
    struct share *s = s_;

    s->error = rt_bundle_transact(s->vconn, s->q, OFPBF_ATOMIC,
                                  &s->errors);
    return NULL;
}

/* Sends the flow mod 'command' of the guard, or, for OFPFC_DELETE, of
 * every flow of ours, and a barrier; returns 0, EPROTO (the switch's
 * error appended to 'errors') or another errno value. */
static int
guard(struct vconn *vconn, uint16_t command, struct ovs_list *errors)
{
    struct ofputil_flow_mod fm = {
        .priority = UINT16_MAX,
        .table_id = command == OFPFC_DELETE ? OFPTT_ALL : 0,
        .command = command,
        .buffer_id = UINT32_MAX,
        .out_port = OFPP_ANY,
        .out_group = OFPG_ANY,
        .new_cookie = (command == OFPFC_ADD ? htonll(GUARD_COOKIE)
                       : OVS_BE64_MAX),
    };
    struct ofpbuf *reply = NULL;
    int error;

    if (command == OFPFC_DELETE) {
        fm.cookie = htonll(PIPE_COOKIE_OURS);
        fm.cookie_mask = htonll(PIPE_COOKIE_OURS_MASK);
    } else if (command == OFPFC_DELETE_STRICT) {
        fm.cookie = htonll(GUARD_COOKIE);
        fm.cookie_mask = OVS_BE64_MAX;
    }
    struct match match;
    match_init_catchall(&match);
    minimatch_init(&fm.match, &match);
    struct ofpbuf *msg = ofputil_encode_flow_mod(&fm, OFPUTIL_P_OF15_OXM);
    minimatch_destroy(&fm.match);
    error = vconn_transact_noreply(vconn, msg, &reply);
    if (!error && reply) {
        ovs_list_push_back(errors, &reply->list_node);
        error = EPROTO;
    }
    return error;
}

int
rt_bulk_load(struct vconn *ctl, const char *target, struct rt_queue *q,
             struct ovs_list *errors, size_t *n_conns)
{
    struct share shares[RT_BULK_CONNS];
    size_t n_shares = 1;
    int error;

    ovs_list_init(errors);

    /* The other connections first: without them, or if someone else's
     * flow is where the guard would go (table 0 holds only flows of
     * others here: a dump of it is short), one ordinary bundle. */
    bool taken = guard_place_taken(ctl);
    shares[0].vconn = ctl;
    while (!taken && n_shares < RT_BULK_CONNS
           && !vconn_open_block(target, 1u << vconn_get_version(ctl),
                                DSCP_DEFAULT, 2000,
                                &shares[n_shares].vconn)) {
        n_shares++;
    }
    *n_conns = n_shares;
    if (n_shares == 1) {
        return rt_bundle_transact(ctl, q, OFPBF_ATOMIC | OFPBF_ORDERED,
                                  errors);
    }

    error = guard(ctl, OFPFC_ADD, errors);
    if (error) {
        goto out;
    }

    /* Each share takes the flow mods as they come, in batches: behind the
     * guard, the order they go in does not matter. */
    for (size_t i = 0; i < n_shares; i++) {
        shares[i].q = q;
    }
    for (size_t i = 1; i < n_shares; i++) {
        shares[i].thread = ovs_thread_create("bulk", share_thread,
                                             &shares[i]);
    }
    share_thread(&shares[0]);
    for (size_t i = 1; i < n_shares; i++) {
        xpthread_join(shares[i].thread, NULL);
    }

    bool refused = false;
    for (size_t i = 0; i < n_shares; i++) {
        refused |= shares[i].error == EPROTO;
        if (shares[i].error && (!error || error == ECANCELED)) {
            error = shares[i].error;
        }
        ovs_list_push_back_all(errors, &shares[i].errors);
    }
    if (!error) {
        error = guard(ctl, OFPFC_DELETE_STRICT, errors);
    } else if (refused || error == ECANCELED) {
        /* Back to none of ours (canceled: no share committed, but the
         * guard is to go).  If even that fails, the guard stays and the
         * next read-back sees it. */
        int e = guard(ctl, OFPFC_DELETE, errors);
        if (e && e != EPROTO) {
            error = e;
        }
    }
    if (error) {
        VLOG_WARN("loading over %"PRIuSIZE" connections failed (%s)%s",
                  n_shares, ovs_strerror(error),
                  error == EPROTO || error == ECANCELED
                  ? "; none of it stays installed"
                                  : "; the guard flow drops everything "
                                    "until the next sync");
    }

out:
    for (size_t i = 1; i < n_shares; i++) {
        vconn_close(shares[i].vconn);
    }
    return error;
}
