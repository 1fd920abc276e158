/* SPDX-License-Identifier: Apache-2.0 */
/* rt-bundle.c -- one atomic OpenFlow bundle in two round trips (see
 * rt.h).
 *
 * libopenvswitch's vconn_bundle_transact() waits for a reply to the
 * bundle open, to a barrier after the adds, and to the commit; ovs-flowd
 * then added a barrier of its own: four round trips, each at least one
 * main-loop iteration of ovs-vswitchd, whose cost grows with the ports of
 * the switch (the userspace datapath polls every non-PMD port in it).
 * Here every add and a barrier go out back to back, and only the
 * barrier's reply is waited for (round trip 1); the commit follows if and
 * only if the switch refused none of the adds, and its reply says the
 * flows are in the tables (round trip 2).  The first add opens the bundle
 * (OpenFlow 1.4, 7.3.9.5; ovs-vswitchd's ofp_bundle_add_message()): no
 * open request, because ovs-vswitchd reads at most 50 messages from a
 * connection in one iteration of its main loop, and a port's update of
 * some 50 flow mods that needs 52 waits a whole iteration more for its
 * barrier (one round trip to an idle switch of 10k ports, and at worst
 * the commit then meets the long iteration that follows a port's
 * addition: BENCHMARKS.md, incremental section).  The adds are taken from a
 * queue (rt-queue.c) as they come: a first load is sent while it is
 * still being built.  They go out many to a write (send_batch()): a
 * write per message cost ovs-flowd a fifth of its CPU in a first load,
 * and ovs-vswitchd, which reads them, a socket buffer each.
 *
 * The barrier before the commit is not optional: a switch that refuses
 * one add (OpenFlow 1.4, 7.3.9) leaves it out of the bundle and would
 * commit the others; a partial update could delete a guard whose
 * replacement was refused. */
#include <config.h>

#include "rt.h"

#include <errno.h>

#include "byte-order.h"
#include "openvswitch/list.h"
#include "openvswitch/ofp-bundle.h"
#include "openvswitch/ofp-errors.h"
#include "openvswitch/ofp-msgs.h"
#include "openvswitch/ofp-util.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/vconn.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "fatal-signal.h"
#include "timeval.h"
#include "vconn-provider.h"

VLOG_DEFINE_THIS_MODULE(rt_bundle);

static ovs_be32
xid_of(const struct ofpbuf *msg)
{
    return ((const struct ofp_header *) msg->data)->xid;
}

/* Takes 'msg' (received): an error goes to 'errors', anything else is
 * freed.  Returns true if it was the reply 'xid' waited for (an error
 * with that xid included); then '*replyp', if nonnull, takes it. */
static bool
take(struct ofpbuf *msg, ovs_be32 xid, struct ovs_list *errors,
     struct ofpbuf **replyp)
{
    bool match = xid_of(msg) == xid;
    enum ofptype type;
    bool decoded = !ofptype_decode(&type, msg->data);

    if (decoded && type == OFPTYPE_ERROR) {
        ovs_list_push_back(errors, &msg->list_node);
    } else if (match && replyp) {
        *replyp = msg;
    } else {
        /* An empty bundle's open reply is expected but not waited
         * for. */
        if (!match && !(decoded && type == OFPTYPE_BUNDLE_CONTROL)) {
            VLOG_DBG("unexpected message with xid %08"PRIx32,
                     ntohl(xid_of(msg)));
        }
        ofpbuf_delete(msg);
    }
    return match;
}

/* Reads, without blocking, what has arrived (errors of earlier adds), so
 * that the switch never stops reading us because its replies to us pile
 * up while we write. */
static void
drain(struct vconn *vconn, struct ovs_list *errors)
{
    struct ofpbuf *msg;

    while (!vconn_recv(vconn, &msg)) {
        take(msg, htonl(UINT32_MAX), errors, NULL);
    }
}

/* Blocks until the reply to 'xid' arrives; errors met on the way go to
 * 'errors'.  Returns 0 or an errno value (the connection broke). */
static int
wait_for(struct vconn *vconn, ovs_be32 xid, struct ovs_list *errors,
         struct ofpbuf **replyp)
{
    for (;;) {
        struct ofpbuf *msg;
        int error = vconn_recv_block(vconn, &msg);

        if (error) {
            return error;
        }
        if (take(msg, xid, errors, replyp)) {
            return 0;
        }
    }
}

/* Sends 'msg' (taking it, sent or not); stores its xid in '*xid' if
 * nonnull. */
static int
send_msg(struct vconn *vconn, struct ofpbuf *msg, ovs_be32 *xid)
{
    int error;

    if (xid) {
        *xid = xid_of(msg);
    }
    error = vconn_send_block(vconn, msg);
    if (error) {
        ofpbuf_delete(msg);
    }
    return error;
}

/* How many bytes of bundle adds go out in one write (some 150 adds). */
#define BATCH_BYTES 32768

/* Sends the messages in 'batch', back to back and each with its length
 * set, in one write, blocking if the connection is busy; takes 'batch'.
 * Returns 0 or an errno value.
 *
 * vconn_send() takes a single message (it sets the first header's length
 * to the whole buffer's), so this calls the connection's class
 * (vconn-provider.h) as vconn_send_block() would: the stream classes of
 * unix:, tcp: and ssl: write the buffer as it is and keep what the socket
 * did not take for vconn_run().  Unlike vconn_send(), it logs nothing at
 * -vvconn:dbg. */
static int
send_batch(struct vconn *vconn, struct ofpbuf *batch)
{
    int error;

    fatal_signal_run();
    error = vconn_connect(vconn);
    while (!error
           && (error = vconn->vclass->send(vconn, batch)) == EAGAIN) {
        vconn_run(vconn);
        vconn_run_wait(vconn);
        vconn_send_wait(vconn);
        poll_block();
        error = 0;
    }
    if (error) {
        ofpbuf_delete(batch);
    }
    return error;
}

/* Sends bundle control 'type' for 'bc'; stores its xid in '*xid'. */
static int
send_control(struct vconn *vconn, struct ofputil_bundle_ctrl_msg *bc,
             uint16_t type, ovs_be32 *xid)
{
    struct ofpbuf *request;

    bc->type = type;
    request = ofputil_encode_bundle_ctrl_request(vconn_get_version(vconn),
                                                 bc);
    ofpmsg_update_length(request);
    return send_msg(vconn, request, xid);
}

int
rt_bundle_transact(struct vconn *vconn, struct rt_queue *q,
                   uint16_t flags, struct ovs_list *errors)
{
    static uint32_t next_id = 1;    /* Bridges sync in parallel threads. */
    struct ofputil_bundle_ctrl_msg bc = {
        .bundle_id = __atomic_fetch_add(&next_id, 1, __ATOMIC_RELAXED),
        .flags = flags,
    };
    enum ofp_version version = vconn_get_version(vconn);
    struct ofpbuf *msg, *reply = NULL;
    long long int t_open = time_usec(), t_sent, t_acked;
    size_t n_adds = 0;
    ovs_be32 xid;
    int error;

    ovs_list_init(errors);

    /* Round trip 1: adds (the first opens the bundle), barrier. */
    for (;;) {
        struct ovs_list batch = OVS_LIST_INITIALIZER(&batch);
        int qerror = rt_queue_pop(q, &batch, 256);

        if (qerror == ECANCELED) {
            if (!n_adds) {
                return ECANCELED;       /* Nothing opened. */
            }
            error = send_control(vconn, &bc, OFPBCT_DISCARD_REQUEST, &xid);
            if (!error) {
                error = wait_for(vconn, xid, errors, NULL);
            }
            return error ? error : ECANCELED;
        } else if (qerror) {
            break;                      /* EOF: all sent. */
        }

        struct ofpbuf *out = ofpbuf_new(BATCH_BYTES);
        LIST_FOR_EACH (msg, list_node, &batch) {
            struct ofputil_bundle_add_msg bam = {
                .bundle_id = bc.bundle_id,
                .flags = bc.flags,
                .msg = msg->data,
            };
            struct ofpbuf *add;

            ofpmsg_update_length(msg);
            add = ofputil_encode_bundle_add(version, &bam);
            ofpmsg_update_length(add);
            ofpbuf_put(out, add->data, add->size);
            ofpbuf_delete(add);
            n_adds++;
            if (out->size >= BATCH_BYTES) {
                error = send_batch(vconn, out);
                out = ofpbuf_new(BATCH_BYTES);
                if (error) {
                    break;
                }
                drain(vconn, errors);
            }
        }
        if (!error && out->size) {
            error = send_batch(vconn, out);     /* The batch's rest. */
            if (!error) {
                drain(vconn, errors);
            }
        } else {
            ofpbuf_delete(out);
        }
        rt_queue_done(q, &batch);
        if (error) {
            return error;
        }
    }
    if (!n_adds) {
        /* Nothing to change: an empty bundle, opened explicitly, so that
         * the commit below finds it. */
        error = send_control(vconn, &bc, OFPBCT_OPEN_REQUEST, &xid);
        if (error) {
            return error;
        }
    }
    t_sent = time_usec();
    error = send_msg(vconn, ofputil_encode_barrier_request(version), &xid);
    if (!error) {
        error = wait_for(vconn, xid, errors, NULL);
    }
    if (error) {
        return error;
    }
    t_acked = time_usec();
    if (!ovs_list_is_empty(errors)) {
        /* Something was refused: commit nothing. */
        error = send_control(vconn, &bc, OFPBCT_DISCARD_REQUEST, &xid);
        if (!error) {
            error = wait_for(vconn, xid, errors, NULL);
        }
        return error ? error : EPROTO;
    }

    /* Round trip 2: the commit; its reply comes once the switch has
     * applied all of it, or an error if it applied none. */
    error = send_control(vconn, &bc, OFPBCT_COMMIT_REQUEST, &xid);
    if (!error) {
        error = wait_for(vconn, xid, errors, &reply);
    }
    if (error) {
        return error;
    }
    if (!reply) {
        return EPROTO;          /* The commit failed: see 'errors'. */
    }

    struct ofputil_bundle_ctrl_msg rbc;
    enum ofptype type;
    if (ofptype_decode(&type, reply->data) || type != OFPTYPE_BUNDLE_CONTROL
        || ofputil_decode_bundle_ctrl(reply->data, &rbc)
        || rbc.type != OFPBCT_COMMIT_REPLY || rbc.bundle_id != bc.bundle_id) {
        error = EPROTO;
        VLOG_WARN("unexpected reply to a bundle commit");
    }
    ofpbuf_delete(reply);
    /* Where an update's time goes (ovs-flowd(8), BENCHMARKS.md). */
    VLOG_DBG("bundle %"PRIu32": open and %"PRIuSIZE" adds sent in %.1f ms, "
             "barrier reply %.1f ms later, commit reply %.1f ms after that",
             bc.bundle_id, n_adds, (t_sent - t_open) / 1000.0,
             (t_acked - t_sent) / 1000.0, (time_usec() - t_acked) / 1000.0);
    return error;
}
