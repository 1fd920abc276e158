/* SPDX-License-Identifier: Apache-2.0 */
/* rt-queue.c -- flow mods handed from the thread that builds them to the
 * threads that send them (see rt.h).
 *
 * A bridge's first load used to build every flow, then send them: the
 * two took turns, though building is ovs-flowd's CPU and sending mostly
 * ovs-vswitchd's.  With a queue between them, the flows go out while the
 * rest are still being parsed.  That queue is a queue of items: it
 * carries pointers (the flows) in a ring and encodes them as they are
 * taken, outside the lock: encoding was a sixth of the build's time, and
 * the build is what a first load waits for; the consumers, each a thread
 * of its own, mostly wait for the switch.  Items move in batches, so the
 * lock and the wakeup are paid per batch, not per flow.  The queue holds
 * at most so many: a producer faster than the switch then waits,
 * leaving the CPU to the senders and the switch.  The messages are made
 * in the consumer's thread and freed there: freeing memory another
 * thread is allocating from contends for its malloc arena.
 *
 * A queue of messages carries flow mods already encoded (a diff's).  The
 * consumers give them back (rt_queue_done()) and rt_queue_destroy(), in
 * the producer's thread, frees them, for the same reason. */
#include <config.h>

#include "rt.h"

#include <errno.h>

#include "openvswitch/ofpbuf.h"
#include "ovs-thread.h"
#include "util.h"

void
rt_queue_init(struct rt_queue *q, size_t max)
{
    ovs_mutex_init(&q->mutex);
    xpthread_cond_init(&q->cond, NULL);
    ovs_list_init(&q->msgs);
    ovs_list_init(&q->taken);
    q->n = 0;
    q->max = max;
    q->closed = q->aborted = q->no_consumers = false;
    q->items = NULL;
    q->head = 0;
    q->encode = NULL;
}

void
rt_queue_init_items(struct rt_queue *q, size_t max,
                    struct ofpbuf *(*encode)(const void *item))
{
    ovs_assert(max > 0);
    rt_queue_init(q, max);
    q->items = xmalloc(max * sizeof *q->items);
    q->encode = encode;
}

void
rt_queue_init_closed(struct rt_queue *q, struct ovs_list *msgs)
{
    rt_queue_init(q, 0);
    rt_queue_push(q, msgs);
    rt_queue_close(q, false);
}

void
rt_queue_destroy(struct rt_queue *q)
{
    ofpbuf_list_delete(&q->msgs);
    ofpbuf_list_delete(&q->taken);
    free(q->items);
    xpthread_cond_destroy(&q->cond);
    ovs_mutex_destroy(&q->mutex);
}

void
rt_queue_push(struct rt_queue *q, struct ovs_list *msgs)
{
    size_t n = ovs_list_size(msgs);

    if (!n) {
        return;
    }
    ovs_mutex_lock(&q->mutex);
    while (q->max && q->n >= q->max && !q->no_consumers) {
        ovs_mutex_cond_wait(&q->cond, &q->mutex);
    }
    ovs_list_push_back_all(&q->msgs, msgs);
    q->n += n;
    xpthread_cond_broadcast(&q->cond);
    ovs_mutex_unlock(&q->mutex);
}

void
rt_queue_push_items(struct rt_queue *q, const void *const *items, size_t n)
{
    ovs_assert(n <= q->max);
    if (!n) {
        return;
    }
    ovs_mutex_lock(&q->mutex);
    while (q->n + n > q->max && !q->no_consumers) {
        ovs_mutex_cond_wait(&q->cond, &q->mutex);
    }
    if (!q->no_consumers) {
        for (size_t i = 0; i < n; i++) {
            q->items[(q->head + q->n + i) % q->max] = items[i];
        }
        q->n += n;
    }
    xpthread_cond_broadcast(&q->cond);
    ovs_mutex_unlock(&q->mutex);
}

void
rt_queue_no_consumers(struct rt_queue *q)
{
    ovs_mutex_lock(&q->mutex);
    q->no_consumers = true;
    xpthread_cond_broadcast(&q->cond);
    ovs_mutex_unlock(&q->mutex);
}

void
rt_queue_close(struct rt_queue *q, bool abort)
{
    ovs_mutex_lock(&q->mutex);
    q->closed = true;
    q->aborted |= abort;
    xpthread_cond_broadcast(&q->cond);
    ovs_mutex_unlock(&q->mutex);
}

void
rt_queue_done(struct rt_queue *q, struct ovs_list *msgs)
{
    if (q->encode) {
        ofpbuf_list_delete(msgs);
        return;
    }
    ovs_mutex_lock(&q->mutex);
    ovs_list_push_back_all(&q->taken, msgs);
    ovs_mutex_unlock(&q->mutex);
}

/* Encodes up to 'max' items of 'q' into 'out'; 'q''s mutex is held, and
 * released while encoding. */
static void
pop_items(struct rt_queue *q, struct ovs_list *out, size_t max)
    OVS_REQUIRES(q->mutex)
{
    size_t n = MIN(max, q->n);
    const void **items = xmalloc(n * sizeof *items);

    for (size_t i = 0; i < n; i++) {
        items[i] = q->items[(q->head + i) % q->max];
    }
    q->head = (q->head + n) % q->max;
    q->n -= n;
    xpthread_cond_broadcast(&q->cond);  /* Room for the producer. */
    ovs_mutex_unlock(&q->mutex);
    for (size_t i = 0; i < n; i++) {
        ovs_list_push_back(out, &q->encode(items[i])->list_node);
    }
    free(items);
    ovs_mutex_lock(&q->mutex);
}

int
rt_queue_pop(struct rt_queue *q, struct ovs_list *out, size_t max)
{
    int error = 0;

    ovs_mutex_lock(&q->mutex);
    while (!q->aborted && !q->n && !q->closed) {
        ovs_mutex_cond_wait(&q->cond, &q->mutex);
    }
    if (q->aborted) {
        error = ECANCELED;
    } else if (!q->n) {
        error = EOF;
    } else if (q->encode) {
        pop_items(q, out, max);
    } else {
        for (size_t i = 0; i < max && !ovs_list_is_empty(&q->msgs); i++) {
            ovs_list_push_back(out, ovs_list_pop_front(&q->msgs));
            q->n--;
        }
        if (q->max) {
            xpthread_cond_broadcast(&q->cond);  /* Room for the producer. */
        }
    }
    ovs_mutex_unlock(&q->mutex);
    return error;
}
