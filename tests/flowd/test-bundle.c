/* SPDX-License-Identifier: Apache-2.0 */
/* test-bundle.c -- rt_bundle_transact() (runtime/rt-bundle.c) and
 * rt_bulk_load() (runtime/rt-bulk.c) against a real switch:
 *   - a bundle with one message the switch refuses when it is added must
 *     commit none of the others; a good bundle commits all;
 *   - a load of 5000 flows into a bridge holding none of ours goes over
 *     several connections and leaves all of them and no guard flow; a
 *     load with one flow refused leaves none of ours at all, although
 *     the other connections' bundles were committed; a flow of someone
 *     else's survives both; with someone else's flow where the guard
 *     would go, the load is one bundle and that flow survives too;
 *   - fed by another thread while they send (the streamed first load of
 *     rt-sync.c): a bundle and a load commit everything once the queue
 *     is closed; aborted half-way, they commit nothing (ECANCELED), and
 *     the load leaves no flow of ours and no guard; a producer held by a
 *     full queue goes on once its consumers are gone; a queue of items
 *     hands them out encoded, in order.
 *
 * Usage: test-bundle TARGET [EMPTY-TARGET] (e.g. unix:.../br.mgmt).  Uses
 * table 200 of TARGET's bridge and removes what it added; EMPTY-TARGET's
 * bridge must hold none of our flows (cookie 0xfc...), and is left with
 * one foreign flow.  Prints "ok"/"FAIL" lines; exit status 1 if any check
 * failed. */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "byte-order.h"
#include "openvswitch/list.h"
#include "openvswitch/ofp-errors.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofp-protocol.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/vconn.h"
#include "openvswitch/vlog.h"
#include "ovs-thread.h"
#include "rt.h"
#include "timeval.h"
#include "util.h"

static int failures;

static void
check(bool ok, const char *what)
{
    printf("%s  %s\n", ok ? "ok  " : "FAIL", what);
    failures += !ok;
}

/* Appends the flow mod of ovs-ofctl text 'text' to 'msgs'. */
static void
add_flow_mod(struct ovs_list *msgs, const char *text, int command)
{
    enum ofputil_protocol usable;
    struct ofputil_flow_mod fm;
    char *error = parse_ofp_flow_mod_str(&fm, text, NULL, NULL, command,
                                         &usable);
    if (error) {
        ovs_fatal(0, "%s: %s", text, error);
    }
    ovs_list_push_back(msgs, &ofputil_encode_flow_mod(
                           &fm, OFPUTIL_P_OF15_OXM)->list_node);
    minimatch_destroy(&fm.match);
    free(CONST_CAST(struct ofpact *, fm.ofpacts));
}

/* Returns the number of flows in table 'table' (0xff: any) whose cookie
 * is 'cookie' under 'mask'. */
static size_t
count(struct vconn *vconn, uint8_t table, uint64_t cookie, uint64_t mask)
{
    struct ofputil_flow_stats_request fsr = {
        .out_port = OFPP_ANY, .out_group = OFPG_ANY, .table_id = table,
        .cookie = htonll(cookie), .cookie_mask = htonll(mask),
    };
    struct ofputil_flow_stats *fses = NULL;
    size_t n = 0;

    match_init_catchall(&fsr.match);
    if (vconn_dump_flows(vconn, &fsr, OFPUTIL_P_OF15_OXM, &fses, &n)) {
        ovs_fatal(0, "dump failed");
    }
    for (size_t i = 0; i < n; i++) {
        free(CONST_CAST(struct ofpact *, fses[i].ofpacts));
    }
    free(fses);
    return n;
}

static int
transact(struct vconn *vconn, struct ovs_list *msgs, enum ofperr *first)
{
    struct ovs_list errors;
    struct rt_queue q;
    int e;

    rt_queue_init_closed(&q, msgs);
    e = rt_bundle_transact(vconn, &q, OFPBF_ATOMIC | OFPBF_ORDERED, &errors);
    rt_queue_destroy(&q);
    *first = 0;
    if (!ovs_list_is_empty(&errors)) {
        struct ofpbuf *err = CONTAINER_OF(ovs_list_front(&errors),
                                          struct ofpbuf, list_node);
        *first = ofperr_decode_msg(err->data, NULL);
    }
    ofpbuf_list_delete(&errors);
    ofpbuf_list_delete(msgs);
    return e;
}

/* Flows of ours, the guard's cookie (see rt-bulk.c), and a foreign one. */
#define OURS 0xfc00000000000000ULL
#define OURS_MASK 0xff00000000000000ULL
#define GUARD 0xfcffffffffffffffULL
#define FOREIGN 0x1234ULL

/* Appends 'n' adds of flows of ours to 'msgs', spread over tables 0-9;
 * the one of index 'refused' (if less than 'n') goes to the switch's
 * read-only table 254 instead. */
static void
add_ours(struct ovs_list *msgs, int n, int refused)
{
    for (int i = 0; i < n; i++) {
        char text[128];

        snprintf(text, sizeof text, "table=%d,priority=%d,in_port=%d,"
                 "cookie=0x%"PRIx64",actions=drop", i == refused ? 254 : i % 10,
                 1 + i / 10, 1 + i % 7, (uint64_t) (OURS | i));
        add_flow_mod(msgs, text, OFPFC_ADD);
    }
}

/* Loads 5000 flows of ours (one refused: see add_ours()) with
 * rt_bulk_load() over 'vconn' and more connections to 'target'; stores
 * how many errors the switch sent and how many connections were used.
 * Returns what rt_bulk_load() returned. */
static int
bulk(struct vconn *vconn, const char *target, int refused,
     size_t *n_errors, size_t *n_conns)
{
    struct ovs_list msgs = OVS_LIST_INITIALIZER(&msgs);
    struct ovs_list errors;
    struct rt_queue q;
    int e;

    add_ours(&msgs, 5000, refused);
    rt_queue_init_closed(&q, &msgs);
    e = rt_bulk_load(vconn, target, &q, &errors, n_conns);
    *n_errors = ovs_list_size(&errors);
    ofpbuf_list_delete(&errors);
    rt_queue_destroy(&q);
    return e;
}

/* A bundle or a load sent from a thread of its own while the queue is
 * fed. */
struct sender {
    struct vconn *vconn;
    const char *target;         /* Nonnull: rt_bulk_load(). */
    struct rt_queue q;
    pthread_t thread;
    int error;
    size_t n_errors, n_conns;
};

static void *
sender_main(void *s_)
{
    struct sender *s = s_;
    struct ovs_list errors;

    s->n_conns = 1;
    s->error = (s->target
                ? rt_bulk_load(s->vconn, s->target, &s->q, &errors,
                               &s->n_conns)
                : rt_bundle_transact(s->vconn, &s->q,
                                     OFPBF_ATOMIC | OFPBF_ORDERED, &errors));
    s->n_errors = ovs_list_size(&errors);
    ofpbuf_list_delete(&errors);
    rt_queue_no_consumers(&s->q);
    return NULL;
}

/* The encoder of the streams' queues: the items are messages already
 * encoded, the consumer takes a copy (as rt_flow_encode_add() gives it a
 * new message). */
static struct ofpbuf *
copy_msg(const void *msg)
{
    return ofpbuf_clone(msg);
}

/* Feeds 'msgs' (taken) to a sender over 'vconn' (and 'target', if
 * nonnull) through a queue of items, as rt-sync.c feeds a first load, in
 * batches of 100, 2 ms apart, so that the sender waits for them; then
 * closes the queue, aborting it instead once half is sent if 'abort'.
 * Returns the sender's result. */
static int
stream(struct vconn *vconn, const char *target, struct ovs_list *msgs,
       bool abort, size_t *n_errors, size_t *n_conns)
{
    struct sender s = { .vconn = vconn, .target = target };
    size_t n = ovs_list_size(msgs);
    const struct ofpbuf **items = xmalloc(n * sizeof *items);
    const struct ofpbuf *msg;
    size_t i = 0;

    LIST_FOR_EACH (msg, list_node, msgs) {
        items[i++] = msg;
    }
    rt_queue_init_items(&s.q, 150, copy_msg);   /* The producer waits. */
    s.thread = ovs_thread_create("sender", sender_main, &s);
    for (i = 0; i < n; i += 100) {
        if (abort && i >= n / 2) {
            break;
        }
        rt_queue_push_items(&s.q, (const void *const *) &items[i],
                            MIN(100, n - i));
        xnanosleep(2 * 1000 * 1000);
    }
    rt_queue_close(&s.q, abort);
    xpthread_join(s.thread, NULL);
    rt_queue_destroy(&s.q);
    ofpbuf_list_delete(msgs);
    free(items);
    *n_errors = s.n_errors;
    *n_conns = s.n_conns;
    return s.error;
}

/* rt_bulk_load() against the bridge at 'target', which holds none of our
 * flows. */
static void
test_bulk(const char *target)
{
    struct ovs_list msgs = OVS_LIST_INITIALIZER(&msgs);
    struct vconn *vconn;
    size_t n_conns, n_errors;
    char what[160];
    int e;

    e = vconn_open_block(target, 1u << OFP15_VERSION, 0, -1, &vconn);
    if (e) {
        ovs_fatal(e, "%s", target);
    }
    check(count(vconn, 0xff, OURS, OURS_MASK) == 0,
          "bulk: the bridge holds none of our flows to begin with");
    add_flow_mod(&msgs, "table=0,priority=7,in_port=77,cookie=0x1234,"
                 "actions=drop", OFPFC_ADD);
    e = transact(vconn, &msgs, &(enum ofperr) {0});
    check(!e, "bulk: a foreign flow added");

    e = bulk(vconn, target, INT_MAX, &n_errors, &n_conns);
    snprintf(what, sizeof what, "bulk: 5000 flows loaded without error "
             "over %"PRIuSIZE" connections", n_conns);
    check(!e && !n_errors && n_conns == RT_BULK_CONNS, what);
    check(count(vconn, 0xff, OURS, OURS_MASK) == 5000,
          "bulk: all 5000 are on the switch");
    check(count(vconn, 0xff, GUARD, UINT64_MAX) == 0,
          "bulk: the guard flow is gone");

    add_flow_mod(&msgs, "cookie=0xfc00000000000000/0xff00000000000000",
                 OFPFC_DELETE);
    e = transact(vconn, &msgs, &(enum ofperr) {0});
    check(!e && count(vconn, 0xff, OURS, OURS_MASK) == 0,
          "bulk: our flows deleted again");

    /* One add refused in the last connection's share: the others'
     * bundles are committed by then, and must be deleted again. */
    e = bulk(vconn, target, 4990, &n_errors, &n_conns);
    snprintf(what, sizeof what, "bulk: one flow refused: EPROTO with the "
             "switch's error (%"PRIuSIZE" errors)", n_errors);
    check(e == EPROTO && n_errors, what);
    check(count(vconn, 0xff, OURS, OURS_MASK) == 0,
          "bulk: ...and none of our flows stays, the guard neither");
    check(count(vconn, 0, FOREIGN, UINT64_MAX) == 1,
          "bulk: the foreign flow is untouched");

    /* Someone else's flow where the guard would go: one bundle instead,
     * and that flow kept. */
    add_flow_mod(&msgs, "table=0,priority=65535,cookie=0x1234,"
                 "actions=drop", OFPFC_ADD);
    e = transact(vconn, &msgs, &(enum ofperr) {0});
    e = e ? e : bulk(vconn, target, INT_MAX, &n_errors, &n_conns);
    check(!e && n_conns == 1 && count(vconn, 0xff, OURS, OURS_MASK) == 5000,
          "bulk: a foreign flow in the guard's place: one bundle, all in");
    check(count(vconn, 0, FOREIGN, UINT64_MAX) == 2,
          "bulk: ...and that foreign flow kept");
    add_flow_mod(&msgs, "cookie=0xfc00000000000000/0xff00000000000000",
                 OFPFC_DELETE);
    add_flow_mod(&msgs, "table=0,priority=65535,cookie=0x1234/0xffffffffffffffff",
                 OFPFC_DELETE_STRICT);
    e = transact(vconn, &msgs, &(enum ofperr) {0});
    check(!e && count(vconn, 0xff, OURS, OURS_MASK) == 0
          && count(vconn, 0, FOREIGN, UINT64_MAX) == 1,
          "bulk: back to one foreign flow and none of ours");

    /* Fed while it sends: all in; aborted half-way: nothing stays. */
    add_ours(&msgs, 5000, INT_MAX);
    e = stream(vconn, target, &msgs, false, &n_errors, &n_conns);
    snprintf(what, sizeof what, "bulk, fed while sending: no error, over "
             "%"PRIuSIZE" connections", n_conns);
    check(!e && !n_errors && n_conns == RT_BULK_CONNS, what);
    check(count(vconn, 0xff, OURS, OURS_MASK) == 5000
          && count(vconn, 0xff, GUARD, UINT64_MAX) == 0,
          "bulk, fed while sending: all 5000 on the switch, no guard");
    add_flow_mod(&msgs, "cookie=0xfc00000000000000/0xff00000000000000",
                 OFPFC_DELETE);
    e = transact(vconn, &msgs, &(enum ofperr) {0});
    add_ours(&msgs, 5000, INT_MAX);
    e = e ? e : stream(vconn, target, &msgs, true, &n_errors, &n_conns);
    check(e == ECANCELED && n_conns == RT_BULK_CONNS,
          "bulk, aborted half-way: ECANCELED");
    check(count(vconn, 0xff, OURS, OURS_MASK) == 0
          && count(vconn, 0, FOREIGN, UINT64_MAX) == 1,
          "bulk, aborted half-way: none of ours stays, the guard neither, "
          "the foreign flow does");
    vconn_close(vconn);
}

static void add_table200(struct ovs_list *msgs, int n);

/* A consumer that takes one batch and leaves. */
static void *
quitter_main(void *q_)
{
    struct rt_queue *q = q_;
    struct ovs_list batch = OVS_LIST_INITIALIZER(&batch);

    rt_queue_pop(q, &batch, 100);
    rt_queue_done(q, &batch);
    rt_queue_no_consumers(q);
    return NULL;
}

/* The queue alone: a producer held by a full queue goes on once no
 * consumer is left (a sender whose connection broke), and what the
 * consumer gave back and what was left are freed; the same with a queue
 * of items, whose consumer gets its items encoded, in order. */
static void
test_queue(void)
{
    struct ovs_list batch = OVS_LIST_INITIALIZER(&batch);
    struct ovs_list msgs = OVS_LIST_INITIALIZER(&msgs);
    const struct ofpbuf *items[100];
    struct rt_queue q;
    pthread_t quitter;

    rt_queue_init(&q, 100);
    quitter = ovs_thread_create("quitter", quitter_main, &q);
    for (int i = 0; i < 10; i++) {
        add_table200(&batch, 100);
        rt_queue_push(&q, &batch);
    }
    xpthread_join(quitter, NULL);
    check(q.n == 900, "queue: a producer held by a full queue goes on "
          "once its consumer is gone (900 left)");
    rt_queue_close(&q, false);
    rt_queue_destroy(&q);

    add_table200(&msgs, 100);
    int k = 0;
    const struct ofpbuf *msg;
    LIST_FOR_EACH (msg, list_node, &msgs) {
        items[k++] = msg;
    }
    rt_queue_init_items(&q, 60, copy_msg);
    rt_queue_push_items(&q, (const void *const *) items, 50);
    bool same = rt_queue_pop(&q, &batch, 30) == 0
                && ovs_list_size(&batch) == 30 && q.n == 20;
    rt_queue_push_items(&q, (const void *const *) &items[50], 40);
    same &= rt_queue_pop(&q, &batch, 100) == 0 && q.n == 0
            && ovs_list_size(&batch) == 90;
    k = 0;
    LIST_FOR_EACH (msg, list_node, &batch) {
        same &= (msg != items[k] && msg->size == items[k]->size
                 && !memcmp(msg->data, items[k]->data, msg->size));
        k++;
    }
    check(same, "queue of items: 90 items taken as copies, in order, "
          "across the ring's end");
    rt_queue_done(&q, &batch);
    check(ovs_list_is_empty(&batch), "queue of items: the consumer frees "
          "what it took");

    quitter = ovs_thread_create("quitter", quitter_main, &q);
    for (int i = 0; i < 10; i++) {
        rt_queue_push_items(&q, (const void *const *) items, 50);
    }
    xpthread_join(quitter, NULL);
    /* Getting here is the test (the producer would wait forever).  The
     * quitter took the first 50; the next waited for that and were queued
     * if the quitter was still there then; the rest waited for room until
     * no consumer was left, and were not queued then. */
    check(q.n == 0 || q.n == 50, "queue of items: a producer held by a "
          "full queue goes on once its consumer is gone");
    rt_queue_close(&q, true);
    struct ovs_list none = OVS_LIST_INITIALIZER(&none);
    check(rt_queue_pop(&q, &none, 10) == ECANCELED,
          "queue of items: aborted, a consumer is told so");
    rt_queue_destroy(&q);
    ofpbuf_list_delete(&msgs);
}

/* Appends 'n' adds of flows to table 200 (not ours: no cookie). */
static void
add_table200(struct ovs_list *msgs, int n)
{
    for (int i = 0; i < n; i++) {
        char text[128];

        snprintf(text, sizeof text, "table=200,priority=%d,in_port=%d,"
                 "actions=drop", 1 + i / 7, 1 + i % 7);
        add_flow_mod(msgs, text, OFPFC_ADD);
    }
}

int
main(int argc, char *argv[])
{
    struct ovs_list msgs = OVS_LIST_INITIALIZER(&msgs);
    struct vconn *vconn;
    enum ofperr first;
    char what[160];
    int e;

    set_program_name(argv[0]);
    vlog_set_levels(NULL, VLF_CONSOLE, VLL_ERR);   /* rt-bulk warns of the refusal. */
    if (argc != 2 && argc != 3) {
        ovs_fatal(0, "usage: %s TARGET [EMPTY-TARGET]", argv[0]);
    }
    e = vconn_open_block(argv[1], 1u << OFP15_VERSION, 0, -1, &vconn);
    if (e) {
        ovs_fatal(e, "%s", argv[1]);
    }

    /* Good, good, then an add the switch refuses on sight: OVS checks
     * when the bundle message arrives that an add's table is writable,
     * and table 254 is its own, read-only. */
    add_flow_mod(&msgs, "table=200,priority=1,in_port=1,actions=drop",
                 OFPFC_ADD);
    add_flow_mod(&msgs, "table=200,priority=2,in_port=2,actions=drop",
                 OFPFC_ADD);
    add_flow_mod(&msgs, "table=254,priority=3,in_port=3,actions=drop",
                 OFPFC_ADD);
    e = transact(vconn, &msgs, &first);
    snprintf(what, sizeof what, "one message refused: EPROTO with the "
             "switch's error (%s)", first ? ofperr_to_string(first) : "none");
    check(e == EPROTO && first, what);
    check(count(vconn, 200, 0, 0) == 0,
          "...and none of the accepted messages committed");

    add_flow_mod(&msgs, "table=200,priority=1,in_port=1,actions=drop",
                 OFPFC_ADD);
    add_flow_mod(&msgs, "table=200,priority=2,in_port=2,actions=drop",
                 OFPFC_ADD);
    e = transact(vconn, &msgs, &first);
    check(!e && !first, "a good bundle: committed without error");
    check(count(vconn, 200, 0, 0) == 2, "...both flows are on the switch");

    add_flow_mod(&msgs, "table=200", OFPFC_DELETE);
    e = transact(vconn, &msgs, &first);
    check(!e && count(vconn, 200, 0, 0) == 0, "a delete bundle: table empty");

    size_t n_errors, n_conns;
    add_table200(&msgs, 2000);
    e = stream(vconn, NULL, &msgs, true, &n_errors, &n_conns);
    check(e == ECANCELED && count(vconn, 200, 0, 0) == 0,
          "a bundle aborted half-way while fed: ECANCELED, nothing "
          "committed");
    add_table200(&msgs, 2000);
    e = stream(vconn, NULL, &msgs, false, &n_errors, &n_conns);
    check(!e && !n_errors && count(vconn, 200, 0, 0) == 2000,
          "a bundle fed while sending: all 2000 committed");
    add_flow_mod(&msgs, "table=200", OFPFC_DELETE);
    e = transact(vconn, &msgs, &first);
    check(!e && count(vconn, 200, 0, 0) == 0, "...and deleted again");

    vconn_close(vconn);
    test_queue();
    if (argc > 2) {
        test_bulk(argv[2]);
    }
    return failures ? 1 : 0;
}
