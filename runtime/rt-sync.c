/* SPDX-License-Identifier: Apache-2.0 */
/* rt-sync.c -- syncing a bridge's flows, the heart of ovs-flowd: read
 * back what the switch holds (in a thread of its own), build the desired
 * table (or tell from the digests of the last sync that nothing changed,
 * rt-digest.c), diff, and send the difference in one atomic bundle
 * (rt-bundle.c) or, to a bridge that holds none of our flows, over
 * several connections (rt-bulk.c); and have it verified now and then
 * (rt-verify.c) that the switch still holds what was installed.
 * rt-work.c runs this for
 * several bridges at once, one thread each.  The connections themselves
 * are rt-switch.c's. */
#include <config.h>

#include "rt.h"

#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "model.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/list.h"
#include "openvswitch/ofp-bundle.h"
#include "openvswitch/ofp-errors.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "ovs-thread.h"
#include "pipe.h"
#include "timeval.h"
#include "topo.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(rt_sync);

/* From how many flow mods on an empty bridge is loaded over several
 * connections (rt_sync_set_bulk_load()); 0: never. */
static size_t bulk_min = 2048;

void
rt_sync_set_bulk_load(int min)
{
    bulk_min = min;
}

/* A read-back of our flows into b->installed, in a thread of its own
 * while the desired table is built: reading back is mostly waiting for
 * ovs-vswitchd, building is ovs-flowd's CPU.  After a restart whose
 * flows wanted have the text digest of the last sync, the read-back only
 * digests the flows ('digest_only'): if they are what that sync left,
 * nothing is kept of them, and the installed table is filled later from
 * the desired one (build_deferred()). */
struct readback {
    struct rt_bridge *b;
    pthread_t thread;           /* Unless 'early': */
    bool early;                 /* done before (struct rt_bridge). */
    bool digest_only;           /* Digest the flows, do not keep them: */
    struct rt_digest last;      /* the last sync's digests, which the */
    unsigned int *ofports;      /* flows wanted for these ofports (owned,
                                 * those of that sync) match; */
    ovs_u128 digest;            /* the switch's flows' digest and count. */
    size_t n;
    long long int start;        /* When it began and ended (monotonic */
    long long int end;          /* ms; the end set with 'done'). */
    int error;                  /* rt_dump_ours()'s result. */
    bool done;                  /* Set (release) once 'error' and
                                 * b->installed are final. */
};

static void *
readback_thread(void *rb_)
{
    struct readback *rb = rb_;

    rb->error = (rb->digest_only
                 ? rt_digest_ours(rb->b->ctl, OFPTT_ALL, 1, 0, NULL,
                                  &rb->digest, &rb->n)
                 : rt_dump_ours(rb->b->ctl, &rb->b->installed));
    if (!rb->digest_only) {
        rb->n = rt_table_count(&rb->b->installed);
    }
    rb->end = time_msec();
    __atomic_store_n(&rb->done, true, __ATOMIC_RELEASE);
    return NULL;
}

/* Starts reading back 'b''s flows into 'rb' (or only digesting them, if
 * 'last' is nonnull: the digests of the last sync, which the flows
 * wanted for its 'ofports' match, taken by 'rb'; the digest made at
 * start while OVSDB was awaited, if there is one, is that read-back,
 * over).  Until finish_readback(), the thread owns b->ctl and
 * b->installed. */
static void
start_readback(struct rt_bridge *b, struct readback *rb,
               const struct rt_digest *last, unsigned int *ofports)
{
    bool early = (last && b->early_valid
                  && time_msec() - b->early_end < RT_EARLY_MS);

    if (b->retry_ms) {
        rt_switch_install_meter(b);
    }
    b->in_sync = false;
    b->desired_deferred = false;    /* The tables are made anew. */
    free(b->deferred_ofports);
    b->deferred_ofports = NULL;
    *rb = (struct readback) { .b = b, .start = time_msec() };
    if (last) {
        rb->digest_only = true;
        rb->last = *last;
        rb->ofports = ofports;
        rt_table_clear(&b->installed);
    }
    if (early) {
        rb->early = true;
        rb->digest = b->early_digest;
        rb->n = b->early_n;
        rb->start = b->early_start;
        rb->end = b->early_end;
        rb->done = true;
    }
    rt_bridge_forget_early(b);
    if (!early) {
        rb->thread = ovs_thread_create("readback", readback_thread, rb);
    }
}

/* Waits for 'rb' to end; returns false (and disconnects) if it failed. */
static bool
finish_readback(struct readback *rb)
{
    struct rt_bridge *b = rb->b;

    if (!rb->early) {
        xpthread_join(rb->thread, NULL);
    }
    if (rb->error) {
        rt_switch_disconnect(b, ovs_strerror(rb->error));
        return false;
    }
    VLOG_INFO("bridge %s: %"PRIuSIZE" of our flows on the switch "
              "(%lld ms %s)", b->name, rb->n, rb->end - rb->start,
              (rb->early ? "digesting them as soon as connected, while "
                           "OVSDB's contents were awaited"
               : rb->digest_only ? "digesting them" : "reading them back"));
    b->need_dump = false;
    rt_switch_schedule_verify(b);   /* Every flow is compared now. */
    return true;
}

/* Returns which ports of 'b' to rebuild (a malloc'd array indexed like
 * b->br->ports), or NULL for all: the ports whose ofport changed since
 * the last build, unless that build was for another topology or one of
 * them is shared. */
static bool *
changed_ports(const struct rt_bridge *b)
{
    const struct topo_bridge *br = b->br;
    bool *only;

    if (!b->built_ofports) {
        return NULL;
    }
    only = xcalloc(br->n_ports + 1, sizeof *only);
    for (size_t i = 0; i < br->n_ports; i++) {
        if (b->ofports[i] != b->built_ofports[i]) {
            if (pipe_port_is_shared(br, br->ports[i])) {
                free(only);
                return NULL;
            }
            only[i] = true;
        }
    }
    return only;
}

/* How many flows a stream lets wait for the senders: a build that far
 * ahead of the switch waits, leaving the CPU to the senders and the
 * switch. */
#define STREAM_MAX_QUEUED 16384

/* How many flows are queued at a time (the lock and the wakeup are paid
 * per batch). */
#define STREAM_BATCH 256

/* A bridge's first load, streamed (struct rt_build_sink): once the
 * read-back is over and found none of our flows, a sender thread
 * (rt-bundle.c, or rt-bulk.c for a big load) takes the flows through a
 * queue as the build makes them, so the switch takes the first ones
 * while the last are being parsed.  Nothing is committed before the
 * build ends well: a failed build aborts the queue and the bundles are
 * discarded. */
struct stream {
    struct rt_bridge *b;
    bool read_back;             /* This sync reads b's flows back... */
    struct readback *rb;        /* ...in this thread, or NULL: it is over. */
    bool started;
    size_t n_expected;          /* About how many flow mods will come. */
    struct rt_queue q;          /* Of items: the flows. */
    const struct rt_flow *batch[STREAM_BATCH];  /* Emitted, not queued. */
    size_t n_batch;
    pthread_t thread;

    /* The sender's results, once joined. */
    int error;
    struct ovs_list errors;
    size_t n_conns;
};

/* Sends 'q''s 'n' flow mods to 'b' (one bundle, or a bulk load if 'b'
 * holds none of ours and they are many); returns as rt_bundle_transact()
 * and stores the number of connections used in '*n_conns'. */
static int
send_flow_mods(struct rt_bridge *b, struct rt_queue *q, size_t n,
               bool empty, struct ovs_list *errors, size_t *n_conns)
{
    *n_conns = 1;
    if (bulk_min && !b->in_sync && n >= bulk_min && empty) {
        char *target = rt_switch_target(b);
        int e = rt_bulk_load(b->ctl, target, q, errors, n_conns);
        free(target);
        return e;
    }
    return rt_bundle_transact(b->ctl, q, OFPBF_ATOMIC | OFPBF_ORDERED,
                              errors);
}

static void *
stream_thread(void *st_)
{
    struct stream *st = st_;

    st->error = send_flow_mods(st->b, &st->q, st->n_expected, true,
                               &st->errors, &st->n_conns);
    rt_queue_no_consumers(&st->q);
    return NULL;
}

static bool
stream_ready(void *st_, size_t n_expected)
{
    struct stream *st = st_;
    struct readback *rb = st->rb;

    if ((rb && (!__atomic_load_n(&rb->done, __ATOMIC_ACQUIRE) || rb->error))
        || rt_table_count(&st->b->installed)) {
        return false;
    }
    st->n_expected = n_expected;
    rt_queue_init_items(&st->q, STREAM_MAX_QUEUED, rt_flow_encode_add);
    st->n_batch = 0;
    ovs_list_init(&st->errors);
    st->thread = ovs_thread_create("send", stream_thread, st);
    st->started = true;
    return true;
}

/* Queues what 'st' emitted. */
static void
stream_flush(struct stream *st)
{
    rt_queue_push_items(&st->q, (const void *const *) st->batch,
                        st->n_batch);
    st->n_batch = 0;
}

static void
stream_emit(void *st_, const struct rt_flow *f)
{
    struct stream *st = st_;

    st->batch[st->n_batch++] = f;
    if (st->n_batch >= STREAM_BATCH) {
        stream_flush(st);
    }
}

/* Ends 'st''s queue, aborting it if 'abort': the sender sends what is
 * queued and ends its load, or discards it. */
static void
stream_close(struct stream *st, bool abort)
{
    stream_flush(st);
    rt_queue_close(&st->q, abort);
}

/* Waits for the sender of a closed 'st'. */
static void
stream_join(struct stream *st)
{
    xpthread_join(st->thread, NULL);
    rt_queue_destroy(&st->q);
}

/* Records that 'b' is in sync, after a sync that began at 'start'. */
static void
sync_done(struct rt_bridge *b, long long int start)
{
    b->in_sync = true;
    b->retry_ms = 0;
    rt_switch_schedule_audit(b);
    b->last_sync = time_wall_msec();
    b->last_sync_ms = time_msec() - start;
    rt_bridge_set_error(b, NULL);
}

/* What 'b''s flows are generated from, but for the ofports: the
 * topology file's bytes, the switch's ND support and ovs-flowd's version
 * (struct rt_digest's 'source'). */
static ovs_u128
flows_source(const struct rt_bridge *b)
{
    uint32_t words[5];
    ovs_u128 h;

    memcpy(words, b->topo_hash.u32, sizeof b->topo_hash.u32);
    words[4] = b->nd_ext;
    hash_bytes128(words, sizeof words, hash_string(PACKAGE_VERSION, 0), &h);
    return h;
}

/* Saves the digest of what 'b' holds, if it changed: 'b' is in sync and
 * its desired table built. */
static void
save_digest(struct rt_bridge *b)
{
    struct rt_digest d = {
        .text = b->desired.digest,
        .wire = b->installed.digest,
        .n = rt_table_count(&b->installed),
        .source = flows_source(b),
    };

    if (!ovs_u128_equals(d.text, b->saved.text)
        || !ovs_u128_equals(d.wire, b->saved.wire) || d.n != b->saved.n
        || !ovs_u128_equals(d.source, b->saved.source)) {
        rt_digest_save(b->name, &d, b->built_ofports, b->br->n_ports);
        b->saved = d;
    }
}

/* Whether a restart's read-back of 'b' may only digest the switch's
 * flows: if the digest file says what the last sync left, and the
 * topology still wants those flows for the ofports that sync built for,
 * stores its digests in '*d' and those ofports in '*ofportsp' (malloc'd,
 * the caller's) and returns true.  The topology wants them if the flows
 * were generated from the same topology file (its bytes), switch and
 * ovs-flowd (flows_source()), or else if the text of the flows
 * generated for those ofports has the digest saved.  The ofports OVSDB
 * says now need not be those: the flows of the ports that moved are
 * synced after the switch is found to hold the last sync's
 * (synced_by_digest()).  Otherwise the flows are read back into the
 * installed table, to be compared one by one; so they are also when the
 * digest turns out not to be the switch's (a second read-back then; it
 * does not happen unless the switch changed behind ovs-flowd's back or
 * restarted, and one that restarted answers at once).  Told at start,
 * before OVSDB's contents arrive, if the switch was connected by then
 * (digest_early()).  Whatever told it, the parse after the restart
 * checks the flows wanted against both digests (build_deferred()). */
static bool
last_sync_wanted(struct rt_bridge *b, const struct model *m,
                 struct rt_digest *d, unsigned int **ofportsp)
{
    long long int start = time_msec();
    ovs_u128 text;
    size_t n;

    if (b->early_checked) {
        *d = b->early_last;
        *ofportsp = b->early_ofports;
        b->early_ofports = NULL;
        return *ofportsp != NULL;
    }
    *ofportsp = NULL;
    if (b->built_ofports
        || !rt_digest_load(b->name, b->br->n_ports, d, ofportsp)) {
        return false;
    }
    if (ovs_u128_equals(d->source, flows_source(b))) {
        return true;
    }
    rt_table_text_digest(m, b->br, *ofportsp, b->nd_ext, &text, &n);
#ifdef __GLIBC__
    /* As after build_deferred()'s build: the generation's scratch pages
     * back, from the arena of this thread, which builds no more (at
     * start, the connecting thread: ovs-flowd's peak to the initial sync
     * of 586k flows was 366 MiB without, 349-355 MiB with). */
    malloc_trim(0);
#endif
    if (!ovs_u128_equals(text, d->text) || n != d->n) {
        VLOG_INFO("bridge %s: the flows wanted changed since the last "
                  "sync: comparing every flow (%lld ms generating their "
                  "text)", b->name, time_msec() - start);
        free(*ofportsp);
        *ofportsp = NULL;
        return false;
    }
    VLOG_INFO("bridge %s: the topology file, the switch or ovs-flowd "
              "changed since the last sync, not the flows wanted for its "
              "ofports (%lld ms generating their text)", b->name,
              time_msec() - start);
    return true;
}

/* With the read-back '*rbp' running and a full build due: if the
 * read-back only digests the flows (last_sync_wanted()), tells from the
 * digests whether the switch holds what the last sync left.  If so, 'b'
 * is in sync with its desired table deferred.  Returns true if there is
 * nothing more to do now (in sync, or the read-back failed); false if
 * the flows must be built and compared: '*rbp' is then a read-back into
 * the installed table that runs, or NULL if the switch holds none of our
 * flows. */
static bool
synced_by_digest(struct rt_bridge *b, struct readback **rbp,
                 long long int start)
{
    struct readback *rb = *rbp;

    if (!rb || !rb->digest_only) {
        return false;
    }
    *rbp = NULL;
    unsigned int *ofports = rb->ofports;
    rb->ofports = NULL;
    if (!finish_readback(rb)) {
        free(ofports);
        return true;
    }
    if (!ovs_u128_equals(rb->digest, rb->last.wire)
        || rb->n != rb->last.n) {
        VLOG_INFO("bridge %s: the switch does not hold what the last sync "
                  "left (%"PRIuSIZE" of our flows, not %"PRIuSIZE"): "
                  "comparing every flow%s", b->name, rb->n, rb->last.n,
                  rb->n ? ", read back again" : "");
        free(ofports);
        if (rb->n) {
            start_readback(b, rb, NULL, NULL);
            *rbp = rb;
        }
        return false;
    }
    /* The switch holds the flows wanted for 'ofports'.  The ports whose
     * ofport is another now (a guest restarted while ovs-flowd was down)
     * are synced next, after the parse, as any change after a sync. */
    size_t n_moved = 0;
    for (size_t i = 0; i < b->br->n_ports; i++) {
        n_moved += ofports[i] != b->ofports[i];
    }
    rt_table_clear(&b->desired);
    b->desired_deferred = true;
    free(b->deferred_ofports);
    b->deferred_ofports = ofports;
    b->saved = rb->last;
    sync_done(b, start);        /* In sync with the last sync's ofports. */
    b->need_sync = n_moved > 0;
    VLOG_INFO("bridge %s: the switch holds %s, nothing sent "
              "(%"PRIuSIZE" flows, what the last sync left, by their "
              "digests: %lld ms; the flows are parsed next%s)",
              b->name, n_moved ? "the last sync's flows" : "every flow wanted",
              rb->n, b->last_sync_ms,
              n_moved ? ", then the flows of the ports with another ofport"
                        " since are synced" : "");
    if (n_moved) {
        VLOG_INFO("bridge %s: another ofport than the last sync's for "
                  "%"PRIuSIZE" of %"PRIuSIZE" ports", b->name, n_moved,
                  b->br->n_ports);
    }
    return true;
}

void
rt_bridge_forget_builds(struct rt_bridge *b)
{
    free(b->built_ofports);
    b->built_ofports = NULL;
    free(b->deferred_ofports);
    b->deferred_ofports = NULL;
    rt_bridge_forget_early(b);
}

void
rt_bridge_forget_early(struct rt_bridge *b)
{
    b->early_checked = false;
    free(b->early_ofports);
    b->early_ofports = NULL;
    b->early_valid = false;
}

size_t
rt_bridge_n_installed(const struct rt_bridge *b)
{
    return (b->desired_deferred ? b->saved.n
            : rt_table_count(&b->installed));
}

/* Sends the difference between desired and installed: when the switch
 * holds what the last build wanted ('in_sync'), only the flows that
 * build changed are looked at, so a port coming or going costs its own
 * flows and the bridge-wide ones, not the whole bridge.  If 'rb' is
 * nonnull, a read-back is running: the desired table is built
 * meanwhile, and the read-back waited for before the diff. */
static void
sync_bridge(struct rt_bridge *b, const struct model *m, struct readback *rb)
{
    long long int start = time_msec();
    struct ovs_list msgs = OVS_LIST_INITIALIZER(&msgs);
    struct ovs_list errors = OVS_LIST_INITIALIZER(&errors);
    bool *only = changed_ports(b);
    size_t n_rebuilt = b->br->n_ports;
    struct stream st = { .b = b, .read_back = rb != NULL };
    struct rt_build_sink sink = {
        .ready = stream_ready,
        .emit = stream_emit,
        .aux = &st,
    };
    struct rt_delta delta;
    struct rt_diff diff;
    bool full_diff;
    char *error;
    size_t n, n_streamed;
    int e;

    if (synced_by_digest(b, &rb, start)) {
        free(only);
        return;
    }
    /* Only the changes of this build, if the last one is on the switch. */
    full_diff = !b->in_sync;
    if (only) {
        n_rebuilt = 0;
        for (size_t i = 0; i < b->br->n_ports; i++) {
            n_rebuilt += only[i];
        }
    }
    rt_delta_init(&delta);
    rt_diff_init(&diff);
    /* With a read-back, still running or over (synced_by_digest() took
     * it: the switch holds none of our flows), the flows may stream. */
    st.rb = rb;
    error = rt_table_build(&b->desired, m, b->br, b->ofports, b->nd_ext,
                           only, &delta, st.read_back ? &sink : NULL,
                           &n_streamed);
    free(only);
    free(b->built_ofports);
    b->built_ofports = NULL;
    if (st.started && error) {
        stream_close(&st, true);        /* Nothing of it committed. */
        stream_join(&st);
        ofpbuf_list_delete(&st.errors);
        st.started = false;
    }
    if (rb && !finish_readback(rb)) {
        free(error);
        rt_delta_destroy(&delta);
        rt_diff_destroy(&diff);
        return;                 /* A full build again after reconnecting. */
    }
    b->need_sync = false;
    if (error) {
        VLOG_ERR("bridge %s: internal error, flows not synced: %s", b->name,
                 error);
        rt_bridge_set_error(b, error);
        b->in_sync = false;
        rt_delta_destroy(&delta);
        rt_diff_destroy(&diff);
        return;
    }
    b->built_ofports = xmemdup(b->ofports,
                               (b->br->n_ports + 1) * sizeof *b->ofports);
    size_t n_conns;
    long long int built;            /* Built and diffed. */
    if (st.started) {
        /* Every flow went as an add.  While the switch takes the last of
         * them and the sender ends the load, the installed table becomes
         * what it will hold. */
        n = n_streamed;
        built = time_msec();
        stream_close(&st, false);
        rt_diff_all_sent(&b->desired, &diff);
        rt_table_apply_diff(&b->installed, &diff);
        stream_join(&st);
        e = st.error;
        ovs_list_push_back_all(&errors, &st.errors);
        n_conns = st.n_conns;
    } else {
        n = (full_diff
             ? rt_table_diff(&b->desired, &b->installed, &msgs, &diff)
             : rt_table_diff_delta(&b->desired, &b->installed, &delta,
                                   &msgs));
        built = time_msec();
        if (!n) {
            if (!b->in_sync) {
                /* No copy of 'desired' into 'installed': an empty diff
                 * means they hold the same flows already. */
                VLOG_INFO("bridge %s: the switch holds every flow wanted, "
                          "nothing sent (%lld ms building and comparing)",
                          b->name, time_msec() - start);
            }
            rt_delta_destroy(&delta);
            rt_diff_destroy(&diff);
            sync_done(b, start);
            save_digest(b);
            return;
        }
        struct rt_queue q;
        rt_queue_init_closed(&q, &msgs);
        e = send_flow_mods(b, &q, n, !rt_table_count(&b->installed),
                           &errors, &n_conns);
        rt_queue_destroy(&q);
    }
    if (e || !ovs_list_is_empty(&errors)) {
        struct ds s = DS_EMPTY_INITIALIZER;
        struct ofpbuf *err;

        LIST_FOR_EACH (err, list_node, &errors) {
            enum ofperr oe = ofperr_decode_msg(err->data, NULL);
            ds_put_format(&s, "%s%s", s.length ? ", " : "",
                          oe ? ofperr_to_string(oe) : "?");
        }
        ofpbuf_list_delete(&errors);
        rt_delta_destroy(&delta);
        rt_diff_destroy(&diff);
        if (st.started) {
            rt_table_clear(&b->installed);  /* Read back again anyway. */
        }
        b->in_sync = false;
        rt_bridge_set_error(b, xasprintf("bundle of %"PRIuSIZE" flow mods failed: "
                               "%s", n, s.length ? ds_cstr(&s)
                                                 : ovs_strerror(e)));
        VLOG_ERR("bridge %s: %s; the previous flows stay installed",
                 b->name, b->last_error);
        ds_destroy(&s);
        if (e != EPROTO) {
            rt_switch_disconnect(b, ovs_strerror(e));
        } else {
            /* Retry from what the switch has, with the meter made again
             * (a meter deleted behind our back makes every logged drop
             * refused), but not in a loop: 1 s, 2 s, ... 30 s apart. */
            b->need_dump = true;
            b->retry_ms = MIN(b->retry_ms ? 2 * b->retry_ms : 1000, 30000);
            b->retry_at = time_msec() + b->retry_ms;
            VLOG_INFO("bridge %s: retrying in %d s", b->name,
                      b->retry_ms / 1000);
        }
        return;
    }
    if (!full_diff) {
        rt_table_apply_delta(&b->installed, &b->desired, &delta);
    } else if (!st.started) {
        rt_table_apply_diff(&b->installed, &diff);
    }
    rt_delta_destroy(&delta);
    rt_diff_destroy(&diff);
    sync_done(b, start);
    b->n_flow_mods += n;
    b->n_syncs++;
    struct ds how = DS_EMPTY_INITIALIZER;
    if (n_conns > 1) {
        ds_put_format(&how, "%"PRIuSIZE" bundles on as many connections, "
                      "behind a guard flow", n_conns);
    } else {
        ds_put_cstr(&how, "one bundle");
    }
    if (st.started) {
        ds_put_cstr(&how, ", sent as they were built");
    }
    VLOG_INFO("bridge %s: %"PRIuSIZE" flow mods in %s (%lld ms, "
              "%lld of them building; flows of %"PRIuSIZE" of %"PRIuSIZE
              " ports rebuilt), %"PRIuSIZE" flows installed", b->name, n,
              ds_cstr(&how),
              b->last_sync_ms, built - start, n_rebuilt, b->br->n_ports,
              rt_table_count(&b->installed));
    ds_destroy(&how);
    save_digest(b);             /* After the flows are said installed. */
}

/* After a sync by digest (synced_by_digest()): builds the desired table
 * the restart did not, with the ofports the digests were compared for,
 * and fills the installed table with its flows (shared, as after a
 * sync), so that the bridge's next change costs its own ports' flows (a
 * partial build and diff), as every later one does, and not a full
 * build and comparison of the bridge.  Runs when nothing else is due, or
 * first thing when something is (a sync, an audit and a verification
 * compare with the tables).  The tables built must be what the digests
 * said the switch holds.  Returns true if they are; false if they are
 * not (or the build failed, or the topology changed meanwhile): the
 * switch's flows must then be read back and every flow compared. */
static bool
build_deferred(struct rt_bridge *b, const struct model *m)
{
    long long int start = time_msec();
    struct rt_delta delta;
    size_t n_emitted;
    char *error;

    b->desired_deferred = false;
    if (!b->deferred_ofports) {
        error = xstrdup("the topology or the switch's ND support changed "
                        "since");
        goto mismatch;
    }
    rt_delta_init(&delta);
    error = rt_table_build(&b->desired, m, b->br, b->deferred_ofports,
                           b->nd_ext, NULL, &delta, NULL, &n_emitted);
    rt_delta_destroy(&delta);
    if (!error
        && (!ovs_u128_equals(b->desired.digest, b->saved.text)
            || rt_table_count(&b->desired) != b->saved.n)) {
        error = xstrdup("another text digest");
    }
    if (error) {
        goto mismatch;
    }
    rt_table_install_all(&b->installed, &b->desired);
    if (!ovs_u128_equals(b->installed.digest, b->saved.wire)
        || rt_table_count(&b->installed) != b->saved.n) {
        error = xstrdup("another wire digest");
        goto mismatch;
    }
    b->built_ofports = b->deferred_ofports;
    b->deferred_ofports = NULL;
#ifdef __GLIBC__
    /* The build's scratch memory, freed in this thread's arena, which
     * would keep its pages: give them back (586k flows over 4 bridges:
     * ovs-flowd's RSS after the parse 369 MB without, 307 MB with). */
    malloc_trim(0);
#endif
    VLOG_INFO("bridge %s: the %"PRIuSIZE" flows wanted parsed after the "
              "restart (%lld ms), the installed table filled with them: "
              "the next change builds its own ports' flows only",
              b->name, rt_table_count(&b->desired), time_msec() - start);
    return true;

mismatch:
    VLOG_WARN("bridge %s: the flows wanted, parsed after the restart, "
              "are not what the digests said (%s): reading back the "
              "switch's flows and comparing every flow", b->name, error);
    free(error);
    free(b->deferred_ofports);
    b->deferred_ofports = NULL;
    rt_table_clear(&b->installed);
    return false;
}

/* Right after connecting at start, before OVSDB's contents arrive (a
 * second at 8000 ports, the switch idle meanwhile): tells whether the
 * topology still wants the flows the last sync left, from the text of
 * the flows generated for the ofports that sync built for, which the
 * digest file has (last_sync_wanted()); if so, digests the switch's flows
 * of ours now, as the restart's read-back would once the ofports are
 * known.  The read-back takes that answer and that digest instead
 * (start_readback()). */
static void
digest_early(struct rt_bridge *b, const struct model *m)
{
    struct rt_digest last = { .n = 0 };
    unsigned int *ofports;
    ovs_u128 digest = OVS_U128_ZERO;
    size_t n = 0;
    int error;

    rt_bridge_forget_early(b);
    if (b->built_ofports) {
        return;
    }
    bool wanted = last_sync_wanted(b, m, &last, &ofports);
    b->early_checked = true;
    b->early_last = last;
    b->early_ofports = ofports;
    if (!wanted) {
        return;
    }
    long long int start = time_msec();
    error = rt_digest_ours(b->ctl, OFPTT_ALL, 1, 0, NULL, &digest, &n);
    if (error) {
        rt_switch_disconnect(b, ovs_strerror(error));
        return;
    }
    b->early_valid = true;
    b->early_digest = digest;
    b->early_n = n;
    b->early_start = start;
    b->early_end = time_msec();
}

void
rt_sync_bridge(struct rt_bridge *b, const struct model *m)
{
    struct readback rb;

    if (!b->ctl) {
        if (!rt_switch_connect(b)) {
            return;
        }
        if (!b->in_db) {
            /* Read back once OVSDB has said the ofports; meanwhile, the
             * switch's flows digested for a restart. */
            digest_early(b, m);
            return;
        }
    }
    if (b->desired_deferred && !b->need_dump && !build_deferred(b, m)) {
        /* (What may follow compares with the two tables: the build the
         * digests stood for comes first, and a sync then rebuilds only
         * the ports that changed since.)  Not what the digests said:
         * read back in full, not by the digests again. */
        start_readback(b, &rb, NULL, NULL);
        sync_bridge(b, m, &rb);
        return;
    }
    if (b->need_audit && !b->need_dump && !b->need_sync && b->in_sync) {
        rt_switch_audit(b);
        if (!b->ctl || b->need_dump) {
            /* Reconnecting; or the flows changed: read back next, as
             * work of its own (flowd/status says which). */
            return;
        }
    }
    b->need_audit = false;
    if (b->need_verify && !b->need_dump && !b->need_sync && b->in_sync) {
        rt_verify_bridge(b);
        if (!b->ctl) {
            return;             /* Reconnecting; read back after. */
        }
    }
    b->need_verify = false;
    if (b->need_dump) {
        struct rt_digest last;
        unsigned int *ofports;
        bool wanted = last_sync_wanted(b, m, &last, &ofports);

        start_readback(b, &rb, wanted ? &last : NULL, ofports);
        sync_bridge(b, m, &rb);
    } else if (b->need_sync) {
        sync_bridge(b, m, NULL);
    }
}
