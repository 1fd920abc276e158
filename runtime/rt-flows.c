/* SPDX-License-Identifier: Apache-2.0 */
/* rt-flows.c -- flow tables keyed by (table, priority, match): the
 * desired table built from the compiler's pipeline, the installed table
 * read back from the switch, and the diff between them as OpenFlow 1.5
 * flow mods (see rt.h). */
#include <config.h>

#include "rt.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "byte-order.h"
#include "emit.h"
#include "flow.h"
#include "hash.h"
#include "model.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/list.h"
#include "openvswitch/match.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofp-protocol.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/vlog.h"
#include "pipe.h"
#include "strbuf.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(rt_flows);

/* One flow.
 *
 * A flow of the desired table that is sent to the switch becomes the
 * installed table's flow itself, not a copy: what a flow is (table,
 * priority, cookie, match, actions) never changes once built, and a copy
 * of every flow was a third of a first load's CPU, most of it the
 * kernel's faulting in the copies' fresh memory.  So a flow has a node
 * for each kind of table, and 'holders' says which of the two hold it:
 * HELD_DESIRED while it is the desired table's (in it, in the reuse index
 * of a build, or in a delta's 'removed'), HELD_INSTALLED while it is in
 * the installed table.  The last to let go frees it (flow_release()).
 * The read-back thread clears the installed table while the build
 * thread may let go of desired flows, so 'holders' changes atomically;
 * otherwise each table's thread touches its own node only. */
enum {
    HELD_DESIRED = 1 << 0,
    HELD_INSTALLED = 1 << 1,
};

struct rt_flow {
    struct hmap_node node;      /* In a desired table's 'flows'. */
    struct hmap_node inst_node; /* In an installed table's 'flows'. */
    struct hmap_node text_node; /* In the reuse index of rt_table_build. */
    struct ovs_list group_node; /* In a desired table's group, if any. */
    bool in_group;
    bool has_wire;              /* 'wire' is set. */
    uint8_t holders;            /* HELD_*; atomic. */
    ovs_u128 hash;              /* Of the ovs-ofctl line a desired flow
                                 * was parsed from (128 bits, so equal
                                 * hashes are equal lines); zero for a
                                 * flow read back. */
    ovs_u128 wire;              /* Of what it means on the wire (see
                                 * wire_hash()), once in an installed
                                 * table. */
    uint32_t key_hash;          /* key_hash() of the next three. */
    uint8_t table;
    uint16_t priority;
    struct minimatch match;     /* Owned. */
    uint64_t cookie;            /* Host byte order. */
    struct ofpact *ofpacts;     /* Owned. */
    size_t ofpacts_len;
};

static uint32_t
key_hash(uint8_t table, uint16_t priority, const struct minimatch *m)
{
    return hash_int(((uint32_t) table << 16) | priority,
                    minimatch_hash(m, 0));
}

/* Adds (sign 1) or subtracts (sign -1) 'h' to or from digest 'sum'.  A
 * sum of random 128-bit values is a digest of a set that does not depend
 * on order and that can be updated one member at a time. */
static void
digest_add(ovs_u128 *sum, const ovs_u128 *h, int sign)
{
    if (sign > 0) {
        sum->u64.lo += h->u64.lo;
        sum->u64.hi += h->u64.hi;
    } else {
        sum->u64.lo -= h->u64.lo;
        sum->u64.hi -= h->u64.hi;
    }
}

/* The hash of what a flow means to a switch: its table, priority,
 * cookie, match and its actions as encoded in OpenFlow 1.5, so that a
 * flow read back from the switch and the same flow parsed from text hash
 * the same (their ofpacts differ in internal members, see
 * diff_flow()). */
static ovs_u128
wire_hash__(uint8_t table, uint16_t priority, uint64_t cookie,
            const struct minimatch *match, const struct ofpact *ofpacts,
            size_t ofpacts_len)
{
    uint64_t stub[1024 / 8];
    struct ofpbuf b = OFPBUF_STUB_INITIALIZER(stub);
    const struct miniflow *flow = match->flow;
    size_t flow_size = (sizeof *flow
                        + MINIFLOW_VALUES_SIZE(miniflow_n_values(flow)));
    ovs_u128 h;

    ofpbuf_put(&b, &table, sizeof table);
    ofpbuf_put(&b, &priority, sizeof priority);
    ofpbuf_put(&b, &cookie, sizeof cookie);
    ofpbuf_put(&b, match->flow, flow_size);
    ofpbuf_put(&b, match->mask, flow_size);
    ofpacts_put_openflow_instructions(ofpacts, ofpacts_len, &b,
                                      OFP15_VERSION);
    hash_bytes128(b.data, b.size, 0, &h);
    ofpbuf_uninit(&b);
    return h;
}

static ovs_u128
wire_hash(const struct rt_flow *f)
{
    return wire_hash__(f->table, f->priority, f->cookie, &f->match,
                       f->ofpacts, f->ofpacts_len);
}

void
rt_digest_add_stats(ovs_u128 *digest, const struct ofputil_flow_stats *fs)
{
    struct minimatch match;
    ovs_u128 h;

    minimatch_init(&match, &fs->match);
    h = wire_hash__(fs->table_id, fs->priority, ntohll(fs->cookie), &match,
                    fs->ofpacts, fs->ofpacts_len);
    minimatch_destroy(&match);
    digest_add(digest, &h, 1);
}

/* The holder bit of table 't'. */
static uint8_t
held_by(const struct rt_table *t)
{
    return t->installed ? HELD_INSTALLED : HELD_DESIRED;
}

/* Flow 'f''s node in table 't'. */
static struct hmap_node *
table_node(const struct rt_table *t, struct rt_flow *f)
{
    return t->installed ? &f->inst_node : &f->node;
}

/* The flow whose node in table 't' is 'n'. */
static struct rt_flow *
node_flow(const struct rt_table *t, const struct hmap_node *n)
{
    return (t->installed
            ? CONTAINER_OF(n, struct rt_flow, inst_node)
            : CONTAINER_OF(n, struct rt_flow, node));
}

/* Iterates FLOW over table T, of either kind (not safe to remove). */
#define TABLE_FOR_EACH(FLOW, T)                                          \
    for (struct hmap_node *n_ = hmap_first(&(T)->flows);                \
         n_ && ((FLOW) = node_flow(T, n_), true);                       \
         n_ = hmap_next(&(T)->flows, n_))

/* 'f''s wire hash, made the first time it is asked for ('f' never
 * changes). */
static const ovs_u128 *
flow_wire(struct rt_flow *f)
{
    if (!f->has_wire) {
        f->wire = wire_hash(f);
        f->has_wire = true;
    }
    return &f->wire;
}

/* The hash that 'f' adds to the digests of table 't'. */
static const ovs_u128 *
digest_hash(const struct rt_table *t, const struct rt_flow *f)
{
    return t->installed ? &f->wire : &f->hash;
}

static struct rt_flow *
table_find(const struct rt_table *t, const struct rt_flow *key)
{
    for (struct hmap_node *n = hmap_first_with_hash(&t->flows,
                                                     key->key_hash); n;
         n = hmap_next_with_hash(n)) {
        struct rt_flow *f = node_flow(t, n);

        if (f->table == key->table && f->priority == key->priority
            && minimatch_equal(&f->match, &key->match)) {
            return f;
        }
    }
    return NULL;
}

static void
flow_free(struct rt_flow *f)
{
    minimatch_destroy(&f->match);
    free(f->ofpacts);
    free(f);
}

/* 'f' is no longer held by the tables of 'bits' (HELD_*); frees it if no
 * table holds it any more. */
static void
flow_release(struct rt_flow *f, uint8_t bits)
{
    uint8_t old = __atomic_fetch_and(&f->holders, (uint8_t) ~bits,
                                     __ATOMIC_ACQ_REL);
    if (!(old & ~bits)) {
        flow_free(f);
    }
}

/* Inserts 'f' into 't' (which then holds it) unless an equal key is
 * present; returns false then, and 't' lets go of 'f' (freed if no other
 * table holds it). */
static bool
table_insert(struct rt_table *t, struct rt_flow *f)
{
    __atomic_fetch_or(&f->holders, held_by(t), __ATOMIC_ACQ_REL);
    if (table_find(t, f)) {
        flow_release(f, held_by(t));
        return false;
    }
    hmap_insert(&t->flows, table_node(t, f), f->key_hash);
    t->n_in_table[f->table]++;
    if (t->installed) {
        flow_wire(f);
    }
    digest_add(&t->digest, digest_hash(t, f), 1);
    if (t->slices) {
        unsigned int s = pipe_cookie_port(f->cookie) & (RT_SLICES - 1);
        digest_add(&t->slices->digest[f->table][s], &f->wire, 1);
        t->slices->n[f->table][s]++;
    }
    return true;
}

/* Takes 'f' out of 't''s index and digests (not out of its group); 't'
 * still holds it. */
static void
table_unindex(struct rt_table *t, struct rt_flow *f)
{
    hmap_remove(&t->flows, table_node(t, f));
    t->n_in_table[f->table]--;
    digest_add(&t->digest, digest_hash(t, f), -1);
    if (t->slices) {
        unsigned int s = pipe_cookie_port(f->cookie) & (RT_SLICES - 1);
        digest_add(&t->slices->digest[f->table][s], &f->wire, -1);
        t->slices->n[f->table][s]--;
    }
}

/* Takes 'f' out of table 't' and its group ('t' still holds it). */
static void
table_remove(struct rt_table *t, struct rt_flow *f)
{
    table_unindex(t, f);
    if (!t->installed && f->in_group) {
        ovs_list_remove(&f->group_node);
        f->in_group = false;
    }
}

void
rt_table_init(struct rt_table *t, bool installed)
{
    memset(t, 0, sizeof *t);
    hmap_init(&t->flows);
    t->installed = installed;
    t->slices = installed ? xzalloc(sizeof *t->slices) : NULL;
}

void
rt_table_clear(struct rt_table *t)
{
    struct hmap_node *n, *next;

    for (n = hmap_first(&t->flows); n; n = next) {
        next = hmap_next(&t->flows, n);
        flow_release(node_flow(t, n), held_by(t));
    }
    hmap_clear(&t->flows);
    free(t->groups);
    t->groups = NULL;
    t->n_groups = 0;
    t->digest = OVS_U128_ZERO;
    if (t->slices) {
        memset(t->slices, 0, sizeof *t->slices);
    }
    memset(t->n_in_table, 0, sizeof t->n_in_table);
}

void
rt_delta_init(struct rt_delta *d)
{
    memset(d, 0, sizeof *d);
}

void
rt_delta_destroy(struct rt_delta *d)
{
    for (size_t i = 0; i < d->n_removed; i++) {
        flow_release(d->removed[i], HELD_DESIRED);
    }
    free(d->removed);
    free(d->added);
    memset(d, 0, sizeof *d);
}

static void
delta_add(struct rt_flow ***array, size_t *n, size_t *cap,
          struct rt_flow *f)
{
    if (*n >= *cap) {
        *array = x2nrealloc(*array, cap, sizeof **array);
    }
    (*array)[(*n)++] = f;
}

void
rt_table_destroy(struct rt_table *t)
{
    rt_table_clear(t);
    hmap_destroy(&t->flows);
    free(t->slices);
    t->slices = NULL;
}

size_t
rt_table_count(const struct rt_table *t)
{
    return hmap_count(&t->flows);
}

void
rt_table_slice(const struct rt_table *t, uint8_t table,
               unsigned int n_slices, unsigned int slice, ovs_u128 *digest,
               uint32_t *n)
{
    ovs_assert(t->slices && is_pow2(n_slices) && n_slices <= RT_SLICES
               && slice < n_slices);
    *digest = OVS_U128_ZERO;
    *n = 0;
    for (unsigned int s = slice; s < RT_SLICES; s += n_slices) {
        digest_add(digest, &t->slices->digest[table][s], 1);
        *n += t->slices->n[table][s];
    }
}

/* The OpenFlow number of each port, for the pipeline. */
static unsigned int
ofport_of(const struct topo_port *p, void *aux)
{
    const unsigned int *ofports = aux;
    return ofports[p->index];
}

/* Moves the flows of group 'g' of 'out' into the reuse index 'reuse'. */
static void
reuse_group(struct rt_table *out, size_t g, struct hmap *reuse)
{
    struct rt_flow *f;

    LIST_FOR_EACH_POP (f, group_node, &out->groups[g]) {
        f->in_group = false;
        table_unindex(out, f);
        hmap_insert(reuse, &f->text_node, f->hash.u32[0]);
    }
}

static struct ofpbuf *encode(const struct rt_flow *, uint16_t command);

/* Asks 'sink' whether to stream now; if so, emits every flow of 'out'
 * (with a full build, the flows built so far) and returns true. */
static bool
sink_start(struct rt_build_sink *sink, const struct rt_table *out,
           size_t n_expected, size_t *n_emitted)
{
    const struct rt_flow *f;

    if (!sink->ready(sink->aux, n_expected)) {
        return false;
    }
    HMAP_FOR_EACH (f, node, &out->flows) {
        sink->emit(sink->aux, f);
        ++*n_emitted;
    }
    return true;
}

char *
rt_table_build(struct rt_table *out, const struct model *m,
               const struct topo_bridge *br, const unsigned int *ofports,
               enum pipe_nd_ext nd_ext, const bool *only,
               struct rt_delta *delta,
               struct rt_build_sink *sink, size_t *n_emitted)
{
    size_t n_chunks = pipe_n_flood_chunks(br);
    size_t n_groups = br->n_ports + 1 + n_chunks;
    struct hmap reuse = HMAP_INITIALIZER(&reuse);
    struct strbuf line = STRBUF_INIT;
    struct rt_flow *f;
    char *error = NULL;

    /* Parsing dominates a build, and most flows come out the same as
     * last time: index the flows being rebuilt by their text and move the
     * identical ones back instead of parsing them again. */
    if (out->n_groups != n_groups) {
        only = NULL;
        HMAP_FOR_EACH_SAFE (f, node, &out->flows) {
            f->in_group = false;
            table_unindex(out, f);
            hmap_insert(&reuse, &f->text_node, f->hash.u32[0]);
        }
        free(out->groups);
        out->groups = xmalloc(n_groups * sizeof *out->groups);
        out->n_groups = n_groups;
        for (size_t g = 0; g < n_groups; g++) {
            ovs_list_init(&out->groups[g]);
        }
    } else if (!only) {
        for (size_t g = 0; g < n_groups; g++) {
            reuse_group(out, g, &reuse);
        }
    } else {
        bool *chunks = pipe_wanted_chunks(br, only);

        for (size_t i = 0; i < br->n_ports; i++) {
            if (only[i]) {
                reuse_group(out, i, &reuse);
            }
        }
        reuse_group(out, br->n_ports, &reuse);
        for (size_t k = 0; k < n_chunks; k++) {
            if (chunks[k]) {
                reuse_group(out, br->n_ports + 1 + k, &reuse);
            }
        }
        free(chunks);
    }

    struct pipe_options opt = {
        .ofport = ofport_of,
        .aux = CONST_CAST(unsigned int *, ofports),
        .only_bound = true,
        .only_ports = only,
        .nd_ext = nd_ext,
    };
    struct pipe_bridge *pb = pipe_build(m, br, &opt);
    struct rt_parser *parser = rt_parser_create();
    bool streaming = false;

    /* A first build would otherwise grow the index 20 times. */
    hmap_reserve(&out->flows, hmap_count(&out->flows) + pb->n_flows);

    *n_emitted = 0;
    if (only) {
        sink = NULL;        /* Only a full build holds the whole table. */
    }
    for (size_t i = 0; i < pb->n_flows && !error; i++) {
        const struct pipe_flow *pf = &pb->flows[i];
        size_t g = (pf->port ? pf->port->index
                    : pf->flood_chunk >= 0 ? br->n_ports + 1 + pf->flood_chunk
                    : br->n_ports);
        enum ofputil_protocol usable;
        struct ofputil_flow_mod fm;
        const char *text;
        bool reused = false;
        ovs_u128 h;

        strbuf_clear(&line);
        emit_flow_line(pf, &line);
        text = strbuf_cstr(&line);
        hash_bytes128(text, line.len, 0, &h);
        HMAP_FOR_EACH_WITH_HASH (f, text_node, h.u32[0], &reuse) {
            if (ovs_u128_equals(f->hash, h)) {
                hmap_remove(&reuse, &f->text_node);
                reused = true;
                break;
            }
        }
        if (!reused) {
            f = xzalloc(sizeof *f);
            f->table = pf->table;
            f->priority = pf->priority;
            f->cookie = pf->cookie;
            f->hash = h;
            int e = rt_parse_flow(parser, pf, &f->match, &f->ofpacts,
                                  &f->ofpacts_len, &error);
            if (e == EOPNOTSUPP) {
                /* A keyword the parser leaves to the library. */
                error = parse_ofp_flow_mod_str(&fm, text, NULL, NULL,
                                               OFPFC_ADD, &usable);
                if (!error) {
                    f->match = fm.match;            /* Moved. */
                    f->ofpacts = CONST_CAST(struct ofpact *, fm.ofpacts);
                    f->ofpacts_len = fm.ofpacts_len;
                }
            }
            if (error) {
                char *msg = xasprintf("flow \"%s\": %s", text, error);
                free(error);
                free(f);
                error = msg;
                break;
            }
            f->key_hash = key_hash(f->table, f->priority, &f->match);
        }
        if (!table_insert(out, f)) {
            VLOG_WARN("bridge %s: duplicate flow \"%s\" ignored", br->name,
                      text);
            continue;
        }
        ovs_list_push_back(&out->groups[g], &f->group_node);
        f->in_group = true;
        if (!reused) {
            delta_add(&delta->added, &delta->n_added, &delta->cap_added, f);
        }
        if (streaming) {
            sink->emit(sink->aux, f);
            ++*n_emitted;
        } else if (sink && i % 1024 == 0) {
            streaming = sink_start(sink, out, pb->n_flows, n_emitted);
        }
    }
    if (sink && !streaming && !error) {
        /* A small build may end before the read-back. */
        sink_start(sink, out, pb->n_flows, n_emitted);
    }
    HMAP_FOR_EACH_POP (f, text_node, &reuse) {
        delta_add(&delta->removed, &delta->n_removed, &delta->cap_removed,
                  f);
    }
    hmap_destroy(&reuse);
    strbuf_destroy(&line);
    rt_parser_destroy(parser);
    pipe_bridge_destroy(pb);
    return error;
}

void
rt_table_text_digest(const struct model *m, const struct topo_bridge *br,
                     const unsigned int *ofports, enum pipe_nd_ext nd_ext,
                     ovs_u128 *digest, size_t *n)
{
    struct pipe_options opt = {
        .ofport = ofport_of,
        .aux = CONST_CAST(unsigned int *, ofports),
        .only_bound = true,
        .nd_ext = nd_ext,
    };
    struct pipe_bridge *pb = pipe_build(m, br, &opt);
    struct strbuf line = STRBUF_INIT;

    *digest = OVS_U128_ZERO;
    for (size_t i = 0; i < pb->n_flows; i++) {
        ovs_u128 h;

        strbuf_clear(&line);
        emit_flow_line(&pb->flows[i], &line);
        hash_bytes128(strbuf_cstr(&line), line.len, 0, &h);
        digest_add(digest, &h, 1);
    }
    *n = pb->n_flows;
    strbuf_destroy(&line);
    pipe_bridge_destroy(pb);
}

void
rt_table_add_stats(struct rt_table *out, const struct ofputil_flow_stats *fs)
{
    struct rt_flow *f = xzalloc(sizeof *f);

    f->table = fs->table_id;
    f->priority = fs->priority;
    minimatch_init(&f->match, &fs->match);
    f->key_hash = key_hash(f->table, f->priority, &f->match);
    f->cookie = ntohll(fs->cookie);
    f->ofpacts = xmemdup(fs->ofpacts, fs->ofpacts_len);
    f->ofpacts_len = fs->ofpacts_len;
    table_insert(out, f);
}

/* Encodes a flow mod of 'command' for 'f'. */
static struct ofpbuf *
encode(const struct rt_flow *f, uint16_t command)
{
    struct ofputil_flow_mod fm;

    memset(&fm, 0, sizeof fm);
    fm.match = f->match;
    fm.priority = f->priority;
    fm.table_id = f->table;
    fm.command = command;
    fm.buffer_id = UINT32_MAX;
    fm.out_port = OFPP_ANY;
    fm.out_group = OFPG_ANY;
    if (command == OFPFC_DELETE_STRICT) {
        /* Only ever our own flow: its exact cookie. */
        fm.cookie = htonll(f->cookie);
        fm.cookie_mask = OVS_BE64_MAX;
        fm.new_cookie = OVS_BE64_MAX;
    } else {
        fm.new_cookie = htonll(f->cookie);
        fm.modify_cookie = command != OFPFC_ADD;
        fm.ofpacts = f->ofpacts;
        fm.ofpacts_len = f->ofpacts_len;
    }
    return ofputil_encode_flow_mod(&fm, OFPUTIL_P_OF15_OXM);
}

struct ofpbuf *
rt_flow_encode_add(const void *flow)
{
    return encode(flow, OFPFC_ADD);
}

static void
log_flow(const char *what, const struct rt_flow *f)
{
    if (VLOG_IS_DBG_ENABLED()) {
        struct ds s = DS_EMPTY_INITIALIZER;
        minimatch_format(&f->match, NULL, NULL, &s, f->priority);
        VLOG_DBG("%s: table=%u %s", what, f->table, ds_cstr(&s));
        ds_destroy(&s);
    }
}

/* Appends to 'msgs' the flow mod, if any, that makes the switch's flow
 * 'i' (NULL if none has d's key) into desired flow 'd'.  Returns 1 if it
 * appended one, else 0. */
static size_t
diff_flow(const struct rt_flow *d, const struct rt_flow *i,
          struct ovs_list *msgs)
{
    if (!i) {
        log_flow("add", d);
        ovs_list_push_back(msgs, &encode(d, OFPFC_ADD)->list_node);
    } else if (i->cookie != d->cookie) {
        /* OpenFlow 1.1+ modify never changes a cookie; an add of the
         * same match and priority replaces the flow in place. */
        ovs_list_push_back(msgs, &encode(d, OFPFC_ADD)->list_node);
    } else if (!ofpacts_equal(i->ofpacts, i->ofpacts_len,
                              d->ofpacts, d->ofpacts_len)
               && !ovs_u128_equals(wire_hash(d), i->wire)
               && !ofpacts_equal_stringwise(i->ofpacts, i->ofpacts_len,
                                            d->ofpacts, d->ofpacts_len)) {
        /* Bytewise first (a copy of our own flow); then on the wire,
         * since a flow read back differs from the same flow parsed from
         * text in internal members (an action's 'raw' wire type, a
         * meter's provider id, the unused bytes of a set_field value):
         * 'i' is installed, so it carries its wire hash, and the key and
         * cookie are equal here.  As text last, in case the switch encodes
         * an action in another of its wire forms (none of ours does).
         * Modify keeps the flow's counters. */
        ovs_list_push_back(msgs, &encode(d, OFPFC_MODIFY_STRICT)->list_node);
    } else {
        return 0;
    }
    return 1;
}

/* Appends a strict delete of our flow 'i'. */
static size_t
delete_flow(const struct rt_flow *i, struct ovs_list *msgs)
{
    log_flow("delete", i);
    ovs_list_push_back(msgs, &encode(i, OFPFC_DELETE_STRICT)->list_node);
    return 1;
}

void
rt_diff_init(struct rt_diff *diff)
{
    memset(diff, 0, sizeof *diff);
}

void
rt_diff_destroy(struct rt_diff *diff)
{
    free(diff->sent);
    free(diff->deleted);
    memset(diff, 0, sizeof *diff);
}

void
rt_diff_all_sent(const struct rt_table *desired, struct rt_diff *diff)
{
    struct rt_flow *d;

    HMAP_FOR_EACH (d, node, &desired->flows) {
        delta_add(&diff->sent, &diff->n_sent, &diff->cap_sent, d);
    }
}

size_t
rt_table_diff(const struct rt_table *desired,
              const struct rt_table *installed, struct ovs_list *msgs,
              struct rt_diff *diff)
{
    struct rt_flow *d, *i;
    size_t n = 0;

    HMAP_FOR_EACH (d, node, &desired->flows) {
        if (diff_flow(d, table_find(installed, d), msgs)) {
            delta_add(&diff->sent, &diff->n_sent, &diff->cap_sent, d);
            n++;
        }
    }
    /* Deletes last: nothing is unprotected in between, even without the
     * bundle's atomicity. */
    TABLE_FOR_EACH (i, installed) {
        if (!table_find(desired, i)) {
            delta_add(&diff->deleted, &diff->n_deleted, &diff->cap_deleted,
                      i);
            n += delete_flow(i, msgs);
        }
    }
    return n;
}

size_t
rt_table_diff_delta(const struct rt_table *desired,
                    const struct rt_table *installed,
                    const struct rt_delta *delta, struct ovs_list *msgs)
{
    size_t n = 0;

    for (size_t k = 0; k < delta->n_added; k++) {
        const struct rt_flow *d = delta->added[k];
        n += diff_flow(d, table_find(installed, d), msgs);
    }
    for (size_t k = 0; k < delta->n_removed; k++) {
        const struct rt_flow *r = delta->removed[k];
        if (!table_find(desired, r)) {
            n += delete_flow(r, msgs);
        }
    }
    return n;
}

/* Puts desired flow 'd' itself into 'installed' (which then holds it
 * too), in place of the flow with its key, if any. */
static void
install(struct rt_table *installed, struct rt_flow *d)
{
    struct rt_flow *i = table_find(installed, d);

    if (i == d) {
        return;
    }
    if (i) {
        table_remove(installed, i);
        flow_release(i, HELD_INSTALLED);
    }
    table_insert(installed, d);
}


void
rt_table_apply_delta(struct rt_table *installed,
                     const struct rt_table *desired,
                     const struct rt_delta *delta)
{
    for (size_t k = 0; k < delta->n_removed; k++) {
        const struct rt_flow *r = delta->removed[k];
        struct rt_flow *i;

        if (!table_find(desired, r) && (i = table_find(installed, r))) {
            table_remove(installed, i);
            flow_release(i, HELD_INSTALLED);
        }
    }
    for (size_t k = 0; k < delta->n_added; k++) {
        install(installed, delta->added[k]);
    }
}

void
rt_table_install_all(struct rt_table *installed,
                     const struct rt_table *desired)
{
    struct rt_diff diff;

    rt_diff_init(&diff);
    rt_diff_all_sent(desired, &diff);
    rt_table_apply_diff(installed, &diff);
    rt_diff_destroy(&diff);
}

void
rt_table_apply_diff(struct rt_table *installed, const struct rt_diff *diff)
{
    for (size_t k = 0; k < diff->n_deleted; k++) {
        table_remove(installed, diff->deleted[k]);
        flow_release(diff->deleted[k], HELD_INSTALLED);
    }
    if (hmap_is_empty(&installed->flows)) {
        /* A first load: no flow to replace. */
        hmap_reserve(&installed->flows, diff->n_sent);
        for (size_t k = 0; k < diff->n_sent; k++) {
            table_insert(installed, diff->sent[k]);
        }
        return;
    }
    for (size_t k = 0; k < diff->n_sent; k++) {
        install(installed, diff->sent[k]);
    }
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

void
rt_table_format(const struct rt_table *t, struct ds *out)
{
    char **lines = xmalloc((rt_table_count(t) + 1) * sizeof *lines);
    const struct rt_flow *f;
    size_t n = 0;

    TABLE_FOR_EACH (f, t) {
        struct ofputil_flow_stats fs;
        struct ds s = DS_EMPTY_INITIALIZER;

        memset(&fs, 0, sizeof fs);
        minimatch_expand(&f->match, &fs.match);
        fs.cookie = htonll(f->cookie);
        fs.table_id = f->table;
        fs.priority = f->priority;
        fs.idle_age = fs.hard_age = -1;
        fs.ofpacts = f->ofpacts;
        fs.ofpacts_len = f->ofpacts_len;
        ds_put_char(&s, ' ');
        ofputil_flow_stats_format(&s, &fs, NULL, NULL, false);
        lines[n++] = ds_steal_cstr(&s);
    }
    qsort(lines, n, sizeof *lines, cmp_str);
    for (size_t i = 0; i < n; i++) {
        ds_put_format(out, "%s\n", lines[i]);
        free(lines[i]);
    }
    free(lines);
}
