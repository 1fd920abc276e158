/* SPDX-License-Identifier: Apache-2.0 */
/* rt-work.c -- running bridges' work with their switches (a read-back, a
 * sync, a verification: rt_sync_bridge()) beside ovs-flowd's main loop.
 * A big piece of work runs in a thread of its own and the main loop goes
 * on: OVSDB, the unixctl commands, the packet-ins and the small syncs of
 * the other bridges do not wait for a bridge's read-back of a million
 * flows or its verification.  A busy bridge is left alone by everything
 * else until its thread is reaped (rt_bridge_busy()). */
#include <config.h>

#include "rt.h"

#include <stdlib.h>

#include "latch.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/poll-loop.h"
#include "ovs-thread.h"
#include "timeval.h"
#include "util.h"

struct rt_work {
    struct rt_bridge *b;
    const struct model *m;
    pthread_t thread;
    bool finished;              /* Written by the thread, read by the main
                                 * thread after the latch is seen set. */
    /* For flowd/status meanwhile (rt_work_format_status()). */
    const char *what;           /* What the thread does. */
    long long int started;      /* When (monotonic ms). */
    char *status;               /* Owned: b's status when it started. */
};

/* Set by each thread when it is done; waited on by the main thread. */
static struct latch done;
static bool done_init;

/* Whether 'b' has a connection, a dump, a sync or a verification to do
 * now. */
static bool
work_due(const struct rt_bridge *b)
{
    return (rt_switch_connect_due(b)
            || (b->br && b->ctl && b->in_db   /* Not before the ofports. */
                && (b->need_dump || b->need_sync || b->need_verify
                    || b->need_audit)
                && !(b->need_dump && b->retry_ms
                     && time_msec() < b->retry_at)));
}

/* Whether 'b' has only the build a restart deferred to do (see
 * rt_sync_bridge()): it waits until no bridge has anything else to do, so
 * that it does not slow the other bridges' restart. */
static bool
deferred_due(const struct rt_bridge *b)
{
    return b->br && b->ctl && b->in_db && b->desired_deferred;
}

/* Whether 'b''s work is more than a small incremental update (an audit
 * or a verification waits for a sync due: rt_sync_bridge()).  An audit
 * is a few round trips, but to a switch that may be busy for seconds:
 * not in the main loop. */
static bool
work_is_big(const struct rt_bridge *b)
{
    return (!b->ctl || b->need_dump
            || ((b->need_verify || b->need_audit) && !b->need_sync)
            || !b->in_sync || !b->built_ofports);
}

/* What a thread starting on 'b''s work will do, for flowd/status (the
 * order is rt_sync_bridge()'s). */
static const char *
work_name(const struct rt_bridge *b)
{
    return (!b->ctl ? "connecting"
            : b->need_dump ? "reading back and syncing"
            : b->need_sync ? "syncing"
            : b->need_audit ? "auditing"
            : b->need_verify ? "verifying"
            : "parsing the flows wanted after a restart");
}

static void *
work_thread(void *w_)
{
    struct rt_work *w = w_;

    rt_sync_bridge(w->b, w->m);
    __atomic_store_n(&w->finished, true, __ATOMIC_RELEASE);
    latch_set(&done);
    return NULL;
}

void
rt_work_run(struct hmap *bridges, const struct model *m)
{
    struct rt_bridge **due = xmalloc(hmap_count(bridges) * sizeof *due);
    struct rt_bridge *b;
    size_t n = 0;
    bool big = false;

    bool quiet = true;
    HMAP_FOR_EACH (b, node, bridges) {
        quiet &= !rt_bridge_busy(b) && !work_due(b);
    }
    HMAP_FOR_EACH (b, node, bridges) {
        if (!rt_bridge_busy(b)
            && (work_due(b) || (quiet && deferred_due(b)))) {
            due[n++] = b;
            big |= work_is_big(b);
            b->verify_stop = false;     /* Before the thread starts. */
        }
    }
    if (n == 1 && !big) {
        rt_sync_bridge(due[0], m);      /* A port came or went: at once. */
    } else if (n) {
        /* One thread a bridge: ovs-vswitchd reads at most 50 messages
         * from one connection per main-loop iteration, and an iteration
         * of the userspace datapath costs as much as its ports, so
         * bridges sent in parallel share the iterations; reading back and
         * building use both cores.  Meanwhile the main loop keeps OVSDB
         * going (a bundle of minutes does not cost the connection) and
         * syncs the ports that come and go on the other bridges. */
        if (!done_init) {
            latch_init(&done);
            done_init = true;
        }
        for (size_t i = 0; i < n; i++) {
            struct rt_work *w = xzalloc(sizeof *w);
            struct ds status = DS_EMPTY_INITIALIZER;

            rt_bridge_format_status(due[i], &status);
            w->b = due[i];
            w->m = m;
            w->what = work_name(due[i]);
            w->started = time_msec();
            w->status = ds_steal_cstr(&status);
            due[i]->work = w;
            w->thread = ovs_thread_create("sync", work_thread, w);
        }
    }
    /* A deferred build left for a small sync done here: at the next
     * iteration (a thread's end wakes the main loop by itself). */
    bool busy = false, waiting = false;
    HMAP_FOR_EACH (b, node, bridges) {
        busy |= rt_bridge_busy(b);
        waiting |= !rt_bridge_busy(b) && deferred_due(b);
    }
    if (waiting && !busy) {
        poll_immediate_wake();
    }
    free(due);
}

void
rt_work_reap(struct hmap *bridges)
{
    struct rt_bridge *b;

    if (!done_init) {
        return;
    }
    latch_poll(&done);
    HMAP_FOR_EACH (b, node, bridges) {
        struct rt_work *w = b->work;

        if (w && __atomic_load_n(&w->finished, __ATOMIC_ACQUIRE)) {
            xpthread_join(w->thread, NULL);
            free(w->status);
            free(w);
            b->work = NULL;
        }
    }
}

void
rt_work_hurry(struct rt_bridge *b)
{
    if (rt_bridge_busy(b)) {
        __atomic_store_n(&b->verify_stop, true, __ATOMIC_RELEASE);
    }
}

void
rt_work_format_status(const struct rt_bridge *b, struct ds *s)
{
    const struct rt_work *w = b->work;

    ds_put_format(s, "busy %s for %lld ms; when it started: %s", w->what,
                  time_msec() - w->started, w->status);
}

void
rt_work_wait(void)
{
    if (done_init) {
        latch_wait(&done);
    }
}

void
rt_work_finish(struct hmap *bridges, void (*idle)(void *aux),
               void (*idle_wait)(void *aux), void *aux)
{
    for (;;) {
        struct rt_bridge *b;
        bool busy = false;

        rt_work_reap(bridges);
        HMAP_FOR_EACH (b, node, bridges) {
            busy |= rt_bridge_busy(b);
        }
        if (!busy) {
            return;
        }
        if (idle) {
            idle(aux);
            idle_wait(aux);
        }
        rt_work_wait();
        poll_block();
    }
}
