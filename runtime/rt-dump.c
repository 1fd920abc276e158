/* SPDX-License-Identifier: Apache-2.0 */
/* rt-dump.c -- reads back, digests or counts the flows of ours a switch
 * holds, and counts the flows of its tables (see rt.h).
 *
 * libopenvswitch's vconn_dump_flows() returns an array of struct
 * ofputil_flow_stats, some 700 bytes each with its struct match: for a
 * bridge of 60k flows that is 40 MB grown by doubling and faulted in,
 * and it made ovs-flowd's read-back four times slower than `ovs-ofctl
 * dump-flows`, which formats each flow as it arrives.  Here each flow is
 * likewise decoded into one reused struct and goes straight into the
 * installed table. */
#include <config.h>

#include "rt.h"

#include <errno.h>
#include <string.h>

#include "byte-order.h"
#include "openvswitch/match.h"
#include "openvswitch/ofp-errors.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofp-msgs.h"
#include "openvswitch/ofp-protocol.h"
#include "openvswitch/ofp-table.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vconn.h"
#include "openvswitch/vlog.h"
#include "pipe.h"
#include "socket-util.h"
#include "timeval.h"

VLOG_DEFINE_THIS_MODULE(rt_dump);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);

/* Returns a request for the flow statistics (or, if 'aggregate', the
 * aggregate statistics) of every flow with our cookie tag in table
 * 'table_id' (OFPTT_ALL: every table) and in slice 'slice' of 'n_slices'
 * (struct rt_slices: the cookie's low port bits). */
static struct ofpbuf *
ours_request(bool aggregate, uint8_t table_id, unsigned int n_slices,
             unsigned int slice)
{
    uint64_t port_mask = (uint64_t) (n_slices - 1) << 24;
    struct ofputil_flow_stats_request fsr = {
        .aggregate = aggregate,
        .cookie = htonll(PIPE_COOKIE_OURS | ((uint64_t) slice << 24)),
        .cookie_mask = htonll(PIPE_COOKIE_OURS_MASK | port_mask),
        .out_port = OFPP_ANY,
        .out_group = OFPG_ANY,
        .table_id = table_id,
    };

    match_init_catchall(&fsr.match);
    return ofputil_encode_flow_stats_request(&fsr, OFPUTIL_P_OF15_OXM);
}

int
rt_count_ours(struct vconn *vconn, uint32_t *n)
{
    struct ofputil_aggregate_stats as;
    struct ofpbuf *reply;
    enum ofptype type;
    int error;

    error = vconn_transact(vconn, ours_request(true, OFPTT_ALL, 1, 0),
                           &reply);
    if (error) {
        return error;
    }
    if (ofptype_decode(&type, reply->data)
        || type != OFPTYPE_AGGREGATE_STATS_REPLY
        || ofputil_decode_aggregate_stats_reply(&as, reply->data)) {
        error = EPROTO;
    } else {
        *n = as.flow_count;
    }
    ofpbuf_delete(reply);
    return error;
}

/* Whether '*stop' (if 'stop' is nonnull) is set, by another thread. */
static bool
stopped(const bool *stop)
{
    return stop && __atomic_load_n(stop, __ATOMIC_ACQUIRE);
}

/* Receives a message from 'vconn' into '*msgp' as vconn_recv_block()
 * does, but looks at '*stop' (if 'stop' is nonnull) every 5 ms meanwhile:
 * returns ECANCELED once it is set. */
static int
recv_or_stop(struct vconn *vconn, const bool *stop, struct ofpbuf **msgp)
{
    for (;;) {
        int error = vconn_recv(vconn, msgp);

        if (error != EAGAIN) {
            return error;
        }
        if (stopped(stop)) {
            return ECANCELED;
        }
        vconn_run(vconn);
        vconn_run_wait(vconn);
        vconn_recv_wait(vconn);
        if (stop) {
            poll_timer_wait(5);
        }
        poll_block();
    }
}

/* Sends 'request' (which it takes) on 'vconn' and passes each part of
 * the multipart reply that carries its xid to 'each' (with 'aux'), which
 * returns 0 to go on or an errno value that ends the exchange; other
 * messages (late replies to earlier requests) are dropped.  Returns 0
 * once the last part was passed, or an errno value: EPROTO if the switch
 * answered with anything but 'reply_type', ECANCELED if '*stop' (see
 * recv_or_stop()) was set first, which leaves the rest of the reply on
 * 'vconn' (the caller closes it). */
static int
multipart_or_stop(struct vconn *vconn, struct ofpbuf *request,
                  enum ofptype reply_type, const bool *stop,
                  int (*each)(struct ofpbuf *part, void *aux), void *aux)
{
    ovs_be32 xid = ((const struct ofp_header *) request->data)->xid;
    int error;

    error = vconn_send_block(vconn, request);
    if (error) {
        ofpbuf_delete(request);
        return error;
    }
    for (bool more = true; more; ) {
        struct ofpbuf *part;
        enum ofptype type;

        if (stopped(stop)) {
            return ECANCELED;
        }
        error = recv_or_stop(vconn, stop, &part);
        if (error) {
            return error;
        }
        if (((const struct ofp_header *) part->data)->xid != xid) {
            ofpbuf_delete(part);        /* Not ours (a late reply). */
            continue;
        }
        if (ofptype_decode(&type, part->data) || type != reply_type) {
            VLOG_WARN_RL(&rl, "%s: unexpected reply to a multipart request",
                         vconn_get_name(vconn));
            ofpbuf_delete(part);
            return EPROTO;
        }
        more = ofpmp_more(part->data);
        error = each(part, aux);
        ofpbuf_delete(part);
        if (error) {
            return error;
        }
    }
    return 0;
}

/* multipart_or_stop() callback of rt_count_tables(): stores each table's
 * count from 'part' in the array 'counts_'. */
static int
count_tables_part(struct ofpbuf *part, void *counts_)
{
    uint32_t *counts = counts_;
    struct ofputil_table_features features;
    struct ofputil_table_stats stats;
    int e;

    while (!(e = ofputil_decode_table_stats_reply(part, &stats,
                                                  &features))) {
        counts[stats.table_id] = stats.active_count;
    }
    return e == EOF ? 0 : EPROTO;
}

int
rt_count_tables(struct vconn *vconn, const bool *stop, uint32_t counts[256])
{
    memset(counts, 0, 256 * sizeof *counts);
    return multipart_or_stop(vconn,
                             ofpraw_alloc(OFPRAW_OFPST_TABLE_REQUEST,
                                          vconn_get_version(vconn), 0),
                             OFPTYPE_TABLE_STATS_REPLY, stop,
                             count_tables_part, counts);
}

int
rt_open_or_stop(const char *target, const bool *stop, int timeout_ms,
                struct vconn **vconnp)
{
    long long int deadline = time_msec() + timeout_ms;
    struct vconn *vconn;
    int error;

    *vconnp = NULL;
    error = vconn_open(target, 1u << OFP15_VERSION, DSCP_DEFAULT, &vconn);
    if (error) {
        return error;
    }
    for (;;) {
        error = vconn_connect(vconn);
        if (error != EAGAIN) {
            break;
        }
        if (stopped(stop)) {
            error = ECANCELED;
            break;
        }
        if (time_msec() >= deadline) {
            error = ETIMEDOUT;
            break;
        }
        vconn_run(vconn);
        vconn_run_wait(vconn);
        vconn_connect_wait(vconn);
        poll_timer_wait_until(deadline);
        if (stop) {
            poll_timer_wait(5);
        }
        poll_block();
    }
    if (error) {
        vconn_close(vconn);
        return error;
    }
    *vconnp = vconn;
    return 0;
}

/* What dump_part() passes each flow to. */
struct dump_each {
    void (*each)(const struct ofputil_flow_stats *, void *aux);
    void *aux;
    struct ofpbuf ofpacts;      /* Reused for each flow's actions. */
};

/* multipart_or_stop() callback of dump_ours(): decodes each flow of
 * 'part' and passes it on as 'de_' (struct dump_each) says. */
static int
dump_part(struct ofpbuf *part, void *de_)
{
    struct dump_each *de = de_;

    for (;;) {
        struct ofputil_flow_stats fs;
        int retval = ofputil_decode_flow_stats_reply(&fs, part, false,
                                                     &de->ofpacts);
        if (retval == EOF) {
            return 0;
        } else if (retval) {
            VLOG_WARN_RL(&rl, "bad flow in a dump reply (%s)",
                         ofperr_to_string(retval));
            return EPROTO;
        }
        de->each(&fs, de->aux);
    }
}

/* Dumps the flows of ours the switch at 'vconn' holds in table
 * 'table_id' (OFPTT_ALL: every table) and slice 'slice' of 'n_slices'
 * (ours_request()), passing each to 'each' (with 'aux') as it is decoded;
 * 'fs' and what it points to are valid only during the call.  Returns 0
 * or an errno value: ECANCELED if '*stop' (see recv_or_stop()) was set
 * before the dump ended, which leaves the rest of it on 'vconn'. */
static int
dump_ours(struct vconn *vconn, uint8_t table_id, unsigned int n_slices,
          unsigned int slice, const bool *stop,
          void (*each)(const struct ofputil_flow_stats *fs, void *aux),
          void *aux)
{
    struct dump_each de = { .each = each, .aux = aux };
    int error;

    ofpbuf_init(&de.ofpacts, 0);
    error = multipart_or_stop(vconn,
                              ours_request(false, table_id, n_slices, slice),
                              OFPTYPE_FLOW_STATS_REPLY, stop, dump_part, &de);
    ofpbuf_uninit(&de.ofpacts);
    return error;
}

static void
add_to_table(const struct ofputil_flow_stats *fs, void *out)
{
    rt_table_add_stats(out, fs);
}

int
rt_dump_ours(struct vconn *vconn, struct rt_table *out)
{
    int error;

    rt_table_clear(out);
    error = dump_ours(vconn, OFPTT_ALL, 1, 0, NULL, add_to_table, out);
    if (error) {
        rt_table_clear(out);
    }
    return error;
}

/* What rt_digest_ours() gathers. */
struct dump_digest {
    ovs_u128 *digest;
    size_t *n;
};

static void
add_to_digest(const struct ofputil_flow_stats *fs, void *dd_)
{
    struct dump_digest *dd = dd_;

    rt_digest_add_stats(dd->digest, fs);
    ++*dd->n;
}

int
rt_digest_ours(struct vconn *vconn, uint8_t table_id, unsigned int n_slices,
               unsigned int slice, const bool *stop, ovs_u128 *digest,
               size_t *n)
{
    struct dump_digest dd = { .digest = digest, .n = n };

    return dump_ours(vconn, table_id, n_slices, slice, stop, add_to_digest,
                     &dd);
}
