/* SPDX-License-Identifier: Apache-2.0 */
/* rt-queue.c -- flow mods handed from the thread that builds them to the
 * threads that send them (see rt.h).
 *
 * A bridge's first load used to build every flow, then send them: the
 * two took turns, though building is ovs-flowd's CPU and sending mostly
 * ovs-vswitchd's.  With a queue between them, the flows go out while the
 * rest are still being parsed.  Messages move in batches, so the lock and
 * the wakeup are paid per batch, not per flow, and are freed by the
 * producer's thread: freeing memory another thread is allocating from
 * contends for its malloc arena, which made the build half as slow.  A
 * queue may hold at most so many messages: a producer faster than the
 * switch then waits, holding less memory and leaving the CPU to the
 * switch. */
#include <config.h>

#include "rt.h"

#include <errno.h>

#include "openvswitch/ofpbuf.h"
#include "ovs-thread.h"

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
    ovs_mutex_lock(&q->mutex);
    ovs_list_push_back_all(&q->taken, msgs);
    ovs_mutex_unlock(&q->mutex);
}

void
rt_queue_free_taken(struct rt_queue *q)
{
    struct ovs_list taken = OVS_LIST_INITIALIZER(&taken);

    ovs_mutex_lock(&q->mutex);
    ovs_list_push_back_all(&taken, &q->taken);
    ovs_mutex_unlock(&q->mutex);
    ofpbuf_list_delete(&taken);
}

int
rt_queue_pop(struct rt_queue *q, struct ovs_list *out, size_t max)
{
    int error = 0;

    ovs_mutex_lock(&q->mutex);
    while (!q->aborted && ovs_list_is_empty(&q->msgs) && !q->closed) {
        ovs_mutex_cond_wait(&q->cond, &q->mutex);
    }
    if (q->aborted) {
        error = ECANCELED;
    } else if (ovs_list_is_empty(&q->msgs)) {
        error = EOF;
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
