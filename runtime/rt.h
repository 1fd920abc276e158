/* SPDX-License-Identifier: Apache-2.0 */
/* rt.h -- ovs-flowd, the runtime: what its modules share.
 *
 * ovs-flowd makes the compiled tables true on a live Open vSwitch and
 * keeps them true.  The design follows ovn-controller's ofctrl: a desired
 * flow table, computed in-process by the compiler from the topology and
 * the OVSDB state (which ofport each topology port has), and an installed
 * flow table, what the switch holds with our cookies.  Only the
 * difference is ever sent, in one atomic, ordered OpenFlow bundle per
 * update (adds and modifies before deletes), committed only once the
 * switch has accepted every message of it (see rt-bundle.c); a bridge
 * that holds none of our flows yet is loaded over several connections
 * behind a guard flow that drops everything until all are in (see
 * rt-bulk.c).
 * There is no delete-all-then-add: after a (re)connection the installed
 * table is read back from the switch (dump of our cookies) and diffed, so
 * restarting ovs-flowd with nothing changed sends nothing, and a restarted
 * ovs-vswitchd gets its flows back without operator action.  A restart
 * whose flows wanted have the text digest of the last sync (rt-digest.c)
 * only generates their text, and digests the switch's flows instead of
 * reading them back into a table; if they match too, it parses nothing
 * until the bridge is quiet, then builds both tables at once.
 *
 * Modules:
 *   rt-ovsdb.c   the OVSDB side: bridges (created with --create-bridges,
 *                fail_mode=secure, OpenFlow 1.3-1.5 enabled) and the
 *                binding of topology ports to interfaces (by name or by
 *                external_ids:iface-id) and their ofports;
 *   rt-flows.c   flow tables keyed by (table, priority, match), building
 *                the desired table from the pipeline, and the diff;
 *   rt-parse.c   the pipeline's flow text made into matches and actions
 *                for a build (what parse_ofp_flow_mod_str() makes of it,
 *                a few times faster);
 *   rt-switch.c  the OpenFlow side, per bridge: connections to its
 *                management socket, meter, audit, packet-ins;
 *   rt-sync.c    syncing a bridge: read-back, build (or digests),
 *                diff, bundle; several bridges at once in threads;
 *   rt-verify.c  now and then, the switch's flows of ours digested and
 *                compared with those installed, a slice at a time;
 *   rt-queue.c   flow mods passed from the thread building them to the
 *                threads sending them (a first load streams: flows,
 *                encoded by the senders);
 *   rt-bundle.c  one atomic bundle in two round trips;
 *   rt-bulk.c    loading a bridge with none of our flows over several
 *                connections, behind a guard flow;
 *   rt-dump.c    reading back (or counting) the flows of ours a switch
 *                holds;
 *   rt-digest.c  the digest of what the last sync left, kept in a file;
 *   rt-log.c     packet-ins of logged drops become one log line each,
 *                naming the rule, and per-rule counters;
 *   ovs-flowd.c  options, daemon, the run/wait loop, reload, unixctl.
 *
 * Runtime faults keep the last good flows installed: a broken topology on
 * reload is rejected (its diagnostics logged), a failed bundle changes
 * nothing on the switch (it is atomic) and is retried. */
#ifndef RT_H
#define RT_H 1

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "openvswitch/hmap.h"
#include "openvswitch/list.h"
#include "openvswitch/shash.h"
#include "openvswitch/thread.h"
#include "openvswitch/types.h"
#include "pipe.h"

struct topo;
struct topo_bridge;
struct topo_port;
struct model;
struct vconn;
struct ds;
struct ofp_header;
struct ofpbuf;
struct rt_flow;
struct pipe_flow;
struct minimatch;
struct ofpact;

/* --- Flow mods from one thread to others (rt-queue.c) ---------------- */

/* Flow mods (struct ofpbuf, one OpenFlow message each) on their way from
 * a producer to one or more consumers, each message to one consumer.  A
 * queue of items (rt_queue_init_items()) carries pointers instead, which
 * rt_queue_pop() encodes into messages in the consumer's thread: a first
 * load hands over its flows, and the threads that send them, not the one
 * that builds them, spend the time encoding them. */
struct rt_queue {
    struct ovs_mutex mutex;
    pthread_cond_t cond;
    struct ovs_list msgs;       /* Owned. */
    struct ovs_list taken;      /* Owned: given back by rt_queue_done(). */
    size_t n;                   /* Messages in 'msgs', or items. */
    size_t max;                 /* rt_queue_push() waits while 'n' is
                                 * this much (0: never). */
    bool closed;                /* No more will come. */
    bool aborted;               /* Consumers are to give up. */
    bool no_consumers;          /* None is left to take anything. */

    /* A queue of items: a ring of 'max' pointers, not owned, the oldest
     * at 'head', and what makes one into a message. */
    const void **items;
    size_t head;
    struct ofpbuf *(*encode)(const void *item);
};

/* Initializes an empty queue; rt_queue_push() waits while it holds 'max'
 * messages (0: no maximum). */
void rt_queue_init(struct rt_queue *, size_t max);
/* Initializes a queue holding 'msgs' (taken: the list is left empty), and
 * nothing more to come. */
void rt_queue_init_closed(struct rt_queue *, struct ovs_list *msgs);
/* Frees what no consumer took and what they gave back.  No thread may
 * use the queue any more. */
void rt_queue_destroy(struct rt_queue *);
/* Appends 'msgs' (taken: the list is left empty), first waiting while
 * the queue holds its maximum, if it has one and consumers are left. */
void rt_queue_push(struct rt_queue *, struct ovs_list *msgs);
/* Initializes an empty queue of items, for which rt_queue_pop() calls
 * 'encode' (in the consumer's thread) to make each taken item into a
 * message the consumer owns; rt_queue_push_items() waits while it holds
 * 'max' (> 0) items. */
void rt_queue_init_items(struct rt_queue *, size_t max,
                         struct ofpbuf *(*encode)(const void *item));
/* Appends the 'n' (<= max) pointers in 'items' (the caller keeps the array;
 * the items must live until the consumers are done), first waiting until
 * there is room for them, if consumers are left. */
void rt_queue_push_items(struct rt_queue *, const void *const *items,
                         size_t n);
/* Says that no consumer is left (they returned): rt_queue_push() waits no
 * more.  Whoever runs the consumers calls it once they are done. */
void rt_queue_no_consumers(struct rt_queue *);
/* Says that nothing more will come; with 'abort', that consumers are to
 * drop what they took (rt_queue_pop() returns ECANCELED from then on). */
void rt_queue_close(struct rt_queue *, bool abort);
/* Blocks until there is something to take; moves up to 'max' messages
 * to 'out' (the caller owns them; from a queue of items, the messages
 * encoded from up to 'max' items) and returns 0.  Returns EOF once the
 * queue is closed and empty, ECANCELED once aborted. */
int rt_queue_pop(struct rt_queue *, struct ovs_list *out, size_t max);
/* Gives back messages a consumer took and is done with (taken: the list is
 * left empty), for rt_queue_destroy() to free in the producer's thread;
 * with a queue of items, the consumer made them and frees them here. */
void rt_queue_done(struct rt_queue *, struct ovs_list *msgs);

/* --- One bundle (rt-bundle.c) ---------------------------------------- */

/* Sends the flow mods that come out of 'q' (taken one by one; several
 * senders may share a queue) to 'vconn' as one bundle with 'flags'
 * (OFPBF_*), in two round trips: open, the adds as they come and, once
 * the queue is closed, a barrier, then the commit only if the switch
 * refused none of them.  Returns 0 once the commit reply says the switch
 * applied all of them; otherwise an errno value: EPROTO if the switch
 * refused something (its error messages are in 'errors', which the
 * caller frees; nothing was applied), ECANCELED if the queue was aborted
 * (the bundle discarded, nothing applied), another if the connection
 * broke.  'errors' is initialized here. */
int rt_bundle_transact(struct vconn *, struct rt_queue *q,
                       uint16_t flags, struct ovs_list *errors);

/* --- Loading an empty bridge (rt-bulk.c) ------------------------------ */

/* How many connections a load uses. */
#define RT_BULK_CONNS 4

/* Sends the flow adds that come out of 'q' to a switch that holds none of our flows, over 'ctl' and up
 * to RT_BULK_CONNS - 1 more connections opened to 'target' (closed on
 * return), behind a guard flow that drops every packet until all of them
 * are in.  Returns 0 once every flow is in and the guard is gone.
 * EPROTO: the switch refused something (its errors are in 'errors',
 * initialized here, which the caller frees) and every flow of ours was
 * deleted again.  ECANCELED: the queue was aborted; nothing of it stays.
 * Another errno value: a connection broke; the guard may be left,
 * dropping everything, until a read-back and an ordinary bundle replace
 * it.  Without more connections, the same as rt_bundle_transact().
 * Stores the number of connections used in '*n_conns'. */
int rt_bulk_load(struct vconn *ctl, const char *target, struct rt_queue *q,
                 struct ovs_list *errors, size_t *n_conns);

/* --- The pipeline's flow text, parsed (rt-parse.c) ------------------- */

/* Remembers, for one build, what the keywords of the matches are and the
 * actions of the texts met so far. */
struct rt_parser;

struct rt_parser *rt_parser_create(void);
/* Frees 'p' (NULL is fine). */
void rt_parser_destroy(struct rt_parser *p);
/* Makes pipeline flow 'pf''s match and actions into '*match' (initialized
 * here) and '*ofpacts' ('*ofpacts_len' bytes, malloc'd), what
 * parse_ofp_flow_mod_str() makes of its ovs-ofctl line; the caller owns
 * both.  'pf''s text must live as long as 'p' (actions are remembered by
 * it).  Returns 0; EINVAL with a malloc'd message in '*errorp' if OVS
 * refuses the text (nothing else to free); or EOPNOTSUPP if the match has
 * a keyword the parser leaves to parse_ofp_flow_mod_str() (flags, a
 * subfield, "eth"; none of the pipeline's). */
int rt_parse_flow(struct rt_parser *p, const struct pipe_flow *pf,
                  struct minimatch *match, struct ofpact **ofpacts,
                  size_t *ofpacts_len, char **errorp);

/* --- Flow tables (rt-flows.c) ---------------------------------------- */

/* A flow table keyed by (table, priority, match).  A desired table also
 * groups its flows by what they are about: group i = the flows about the
 * port of index i, group n_ports = bridge-wide flows, group n_ports + 1
 * + k = the flood flow of chunk k (see pipe.h), so that an update
 * rebuilds only the groups the ports that changed are in.  A flow sent
 * to the switch is in the desired and the installed table at once (see
 * struct rt_flow in rt-flows.c), freed when both let go of it. */
struct rt_table {
    struct hmap flows;          /* Contains "struct rt_flow"s. */
    struct ovs_list *groups;    /* Owned; 'n_groups' lists of rt_flows. */
    size_t n_groups;

    /* A digest of the flows it holds, whatever their order: the sum of
     * their 128-bit hashes.  A desired table hashes the text lines its
     * flows were parsed from; an installed table ('installed') what each
     * flow means on the wire (table, priority, cookie, match and actions
     * encoded in OpenFlow 1.5: the same for a flow parsed from text and
     * the same flow read back from a switch). */
    bool installed;
    ovs_u128 digest;
    struct rt_slices *slices;   /* Owned; an installed table's only. */
    uint32_t n_in_table[256];   /* How many of its flows each OpenFlow
                                 * table holds (the audit compares). */
};

/* A verification dumps a big OpenFlow table in slices, so that no one
 * request holds ovs-vswitchd's main loop (which answers nobody while it
 * composes the reply) for seconds: slice s of n (n a power of two up to
 * RT_SLICES) holds the flows whose cookie's port bits (pipe.h) are s
 * modulo n, which the switch selects by cookie mask.  Port ids are
 * hashes, so the slices of a table of per-port flows are alike in size.
 * An installed table keeps, for each OpenFlow table, the digest and count
 * of each of RT_SLICES slices; rt_table_slice() adds them up for fewer. */
#define RT_SLICES 64
struct rt_slices {
    ovs_u128 digest[256][RT_SLICES];
    uint32_t n[256][RT_SLICES];
};

/* Initializes an empty table, an installed one if 'installed' (see
 * struct rt_table: costs an encoding of every flow inserted). */
void rt_table_init(struct rt_table *, bool installed);
void rt_table_clear(struct rt_table *);
void rt_table_destroy(struct rt_table *);
size_t rt_table_count(const struct rt_table *);
/* Stores in '*digest' and '*n' the digest and the count of the flows of
 * installed table 't' in OpenFlow table 'table' that are in slice 'slice'
 * of 'n_slices' (a power of two, at most RT_SLICES; see struct
 * rt_slices). */
void rt_table_slice(const struct rt_table *t, uint8_t table,
                    unsigned int n_slices, unsigned int slice,
                    ovs_u128 *digest, uint32_t *n);

/* What one rt_table_build() changed in the desired table: the flows it
 * added (parsed anew: new or changed), and the flows it took out (owned
 * here until rt_delta_destroy()). */
struct rt_delta {
    struct rt_flow **added;     /* Owned array; the flows are the table's. */
    size_t n_added, cap_added;
    struct rt_flow **removed;   /* Owned, flows too. */
    size_t n_removed, cap_removed;
};

void rt_delta_init(struct rt_delta *);
void rt_delta_destroy(struct rt_delta *);

/* Lets rt_table_build() hand out its flows as it makes them, so that a
 * bridge's first load goes to the switch while it is being built. */
struct rt_build_sink {
    /* Asked at the start of a build of every port and every so many flows
     * after, with how many flows the build will make (about: duplicates
     * are dropped): returns true to have every flow of the table, those
     * built so far and the rest as they come, passed to emit(); asked no
     * more after that. */
    bool (*ready)(void *aux, size_t n_expected);
    /* Takes one flow of the table, to be sent as an add (see
     * rt_flow_encode_add()); the flow stays the table's and lives as long
     * as the table is left alone after the build. */
    void (*emit)(void *aux, const struct rt_flow *);
    void *aux;
};

/* Returns a new flow mod adding 'flow' (a const struct rt_flow *), for
 * a queue of items (rt_queue_init_items()).  The caller owns it. */
struct ofpbuf *rt_flow_encode_add(const void *flow);

/* Makes 'out' the flows of topology bridge 'br' of model 'm', with ports
 * written as the OpenFlow numbers in 'ofports' (indexed like br->ports,
 * 0 = not on the switch: left out).  If 'only' is nonnull (indexed like
 * br->ports) and 'out' was last built for the same bridge, only the flows
 * of the marked ports, the flood flows of their chunks and the other
 * bridge-wide flows are rebuilt (see
 * pipe_options.only_ports; the caller must rebuild everything when a
 * shared port changed).  Flows whose text is unchanged are kept, not
 * parsed again.  Records the changes in 'delta' (initialized by the
 * caller).  If 'sink' is nonnull and 'only' null, offers the flows to
 * 'sink' (see struct rt_build_sink); returns how many it took in
 * '*n_emitted'.  Returns NULL, or a malloc'd error naming a flow OVS
 * refused to parse (a bug); 'out' is then incomplete. */
char *rt_table_build(struct rt_table *out, const struct model *m,
                     const struct topo_bridge *br,
                     const unsigned int *ofports, enum pipe_nd_ext,
                     const bool *only, struct rt_delta *delta,
                     struct rt_build_sink *sink, size_t *n_emitted);

/* Stores in '*digest' what the digest of the desired table that
 * rt_table_build() builds from the same arguments (all ports) would be
 * (see struct rt_table), and in '*n' how
 * many flows it would hold, without parsing any flow: a tenth of the
 * cost.  (A flow the pipeline made twice would count twice here, once in
 * the table.) */
void rt_table_text_digest(const struct model *m,
                          const struct topo_bridge *br,
                          const unsigned int *ofports, enum pipe_nd_ext,
                          ovs_u128 *digest, size_t *n);

/* Adds the flow of dump entry 'fs' to 'out' (copying what it needs;
 * a flow with the key of one already in 'out' is ignored). */
struct ofputil_flow_stats;
void rt_table_add_stats(struct rt_table *out,
                        const struct ofputil_flow_stats *fs);
/* Adds to '*digest' the hash that flow 'fs' would have in an installed
 * table (see struct rt_table), without making the flow. */
void rt_digest_add_stats(ovs_u128 *digest,
                         const struct ofputil_flow_stats *fs);

/* --- Reading back (rt-dump.c) ----------------------------------------- */

/* Replaces the contents of 'out' with the flows of ours (cookie
 * 0xfc...) the switch at 'vconn' holds, decoding the dump as it streams
 * in.  Returns 0 or an errno value ('out' is then empty). */
int rt_dump_ours(struct vconn *, struct rt_table *out);
/* Has the switch at 'vconn' count the flows of ours it holds (one
 * aggregate-statistics request, nothing dumped); stores the count in
 * '*n' and returns 0, or returns an errno value. */
int rt_count_ours(struct vconn *, uint32_t *n);
/* Has the switch at 'vconn' say how many flows each of its tables holds,
 * ours or not (one table-statistics request: the switch keeps the
 * counts, it looks at no flow); stores them in 'counts' (0 for a table
 * it does not have) and returns 0, or returns an errno value: EPROTO if
 * the switch answered with anything but table statistics.  If 'stop' is
 * nonnull, another thread may set '*stop': the wait for the reply then
 * ends within 5 ms with ECANCELED (the caller closes 'vconn'). */
int rt_count_tables(struct vconn *, const bool *stop, uint32_t counts[256]);
/* Reads the flows of ours the switch at 'vconn' holds in table
 * 'table_id' (OFPTT_ALL: every table) and in slice 'slice' of 'n_slices'
 * (struct rt_slices; 1 slice: all) without keeping them: adds to
 * '*digest' their part of the digest an installed table of them would
 * have (struct rt_table) and to '*n' their number.  Returns 0 or an errno
 * value.  If 'stop' is nonnull, another thread may set '*stop': the dump
 * is then abandoned within 5 ms and ECANCELED returned, and the rest of
 * the reply is still to come on 'vconn' (the caller closes it). */
int rt_digest_ours(struct vconn *, uint8_t table_id, unsigned int n_slices,
                   unsigned int slice, const bool *stop, ovs_u128 *digest,
                   size_t *n);
/* Opens an OpenFlow 1.5 connection to 'target' and waits, at most
 * 'timeout_ms', for the switch's hello, looking at '*stop' (if 'stop' is
 * nonnull) every 5 ms meanwhile.  Returns 0 and stores the connection,
 * which the caller owns and closes, in '*vconnp'; or returns an errno
 * value: ECANCELED once '*stop' is set, ETIMEDOUT when the switch said
 * nothing in time. */
int rt_open_or_stop(const char *target, const bool *stop, int timeout_ms,
                    struct vconn **vconnp);

/* What one rt_table_diff() sent: the desired flows it added or modified
 * and the installed flows it deleted (pointers into the two tables, which
 * must not change until rt_table_apply_diff()). */
struct rt_diff {
    struct rt_flow **sent;      /* Owned array. */
    size_t n_sent, cap_sent;
    struct rt_flow **deleted;   /* Owned array. */
    size_t n_deleted, cap_deleted;
};

void rt_diff_init(struct rt_diff *);
void rt_diff_destroy(struct rt_diff *);

/* Appends to 'msgs' (a list of ofpbufs) the OpenFlow 1.5 flow mods that
 * turn 'installed' into 'desired': adds and modifies first, then deletes.
 * Records them in 'diff' (initialized by the caller).  Returns how
 * many. */
size_t rt_table_diff(const struct rt_table *desired,
                     const struct rt_table *installed,
                     struct ovs_list *msgs, struct rt_diff *diff);

/* Records in 'diff' (initialized by the caller) that every flow of
 * 'desired' was sent as an add (what an empty installed table's diff
 * would be, after the build streamed them: struct rt_build_sink). */
void rt_diff_all_sent(const struct rt_table *desired, struct rt_diff *diff);

/* After the flow mods of rt_table_diff() were applied: brings
 * 'installed' to equal the desired table by applying 'diff' to it (the
 * flows sent go in themselves, shared with the desired table, not
 * copies; the others stay as they are). */
void rt_table_apply_diff(struct rt_table *installed,
                         const struct rt_diff *diff);

/* Makes empty installed table 'installed' hold the flows of 'desired'
 * themselves (shared, as after a sync that sent them all). */
void rt_table_install_all(struct rt_table *installed,
                          const struct rt_table *desired);

/* Like rt_table_diff(), for when 'installed' equals the desired table as
 * it was before the build that made 'delta': looks at the changed flows
 * only. */
size_t rt_table_diff_delta(const struct rt_table *desired,
                           const struct rt_table *installed,
                           const struct rt_delta *delta,
                           struct ovs_list *msgs);

/* After the flow mods of rt_table_diff_delta() were applied: brings
 * 'installed' to equal 'desired' by applying 'delta' to it (the flows
 * added go in themselves, shared with 'desired'). */
void rt_table_apply_delta(struct rt_table *installed,
                          const struct rt_table *desired,
                          const struct rt_delta *delta);

/* Appends the flows of 't' in canonical dump form (sorted). */
void rt_table_format(const struct rt_table *, struct ds *);

/* --- What the last sync left (rt-digest.c) ---------------------------- */

/* Digests of a bridge's flows after a sync (see struct rt_table). */
struct rt_digest {
    ovs_u128 text;              /* Text digest of the desired flows. */
    ovs_u128 wire;              /* Wire digest of the installed flows. */
    size_t n;                   /* How many. */
    ovs_u128 source;            /* What they were generated from: a hash
                                 * of the topology file's bytes, the
                                 * switch's ND support and ovs-flowd's
                                 * version (rt-sync.c). */
};

/* Reads the digest last saved for bridge 'bridge', whose topology has
 * 'n_ports' ports now, into '*d', and the ofports its flows were built
 * for into '*ofportsp' (malloc'd, the caller's: n_ports + 1 entries
 * indexed like the topology bridge's ports, the last 0).  Returns false,
 * with '*ofportsp' NULL, if there is none, or none valid for this
 * libopenvswitch and this number of ports (a damaged file is ignored
 * and logged). */
bool rt_digest_load(const char *bridge, size_t n_ports, struct rt_digest *d,
                    unsigned int **ofportsp);
/* Saves '*d' for bridge 'bridge', with the 'n_ports' 'ofports' its flows
 * were built for, replacing the file atomically; a failure is logged
 * (rate-limited) and otherwise ignored: it only costs the next restart a
 * full comparison. */
void rt_digest_save(const char *bridge, const struct rt_digest *d,
                    const unsigned int *ofports, size_t n_ports);

/* --- Bridges --------------------------------------------------------- */

/* Per-rule drop counters (rt-log.c). */
struct rt_counter {
    struct hmap_node node;
    uint64_t key;               /* Cookie bits 63..24: tag, kind, port. */
    uint64_t n;
};

/* How a topology port is bound to an interface of its bridge. */
enum rt_binding {
    RT_UNBOUND,                 /* No interface has its name or iface-id. */
    RT_BOUND,                   /* Bound; its ofport may still be 0. */
    RT_TAKEN,                   /* The interface of its name carries the
                                 * iface-id of another topology port,
                                 * which is bound to it instead. */
};

/* One topology bridge as the runtime sees it. */
/* How long a digest of the switch's flows made while OVSDB's contents
 * were awaited (struct rt_bridge's early_*) stands for a read-back. */
#define RT_EARLY_MS 10000

struct rt_bridge {
    struct hmap_node node;      /* In 'rt_bridges', by name. */
    char *name;                 /* Owned. */
    const struct topo_bridge *br;   /* In the current topology. */
    ovs_u128 topo_hash;         /* Of the current topology file's bytes. */

    /* OVSDB. */
    bool in_db;                 /* The bridge exists in OVSDB. */
    unsigned int *ofports;      /* Owned; indexed like br->ports. */
    uint8_t *bound;             /* Owned; enum rt_binding of each port. */
    struct uuid *ifaces;        /* Owned; the interface each RT_BOUND port
                                 * is bound to (others: zero). */
    /* Topology ports by what binds them (rt-ovsdb.c): by interface name
     * those without an iface-id, the others by iface-id; built for
     * 'bind_br' (NULL: to be built). */
    struct shash bind_by_name;
    struct shash bind_by_id;
    const struct topo_bridge *bind_br;

    /* OpenFlow. */
    struct vconn *ctl;          /* Synchronous: dump, bundle, barrier. */
    struct vconn *mon;          /* Asynchronous: packet-ins. */
    enum pipe_nd_ext nd_ext;    /* Whether the switch takes the ND
                                 * responder's flows (asked when
                                 * connecting; the build follows it). */
    long long int next_connect; /* Time of the next connection attempt. */
    long long int next_arp;     /* Next ARP request for a NAT next hop
                                 * without a configured MAC. */
    bool need_sync;             /* Desired table must be rebuilt and sent. */
    unsigned int *built_ofports;/* Owned: the 'ofports' of the last build
                                 * of 'desired' for this 'br', or NULL:
                                 * the next build is a full one. */
    bool in_sync;               /* 'installed' equals 'desired'. */
    bool desired_deferred;      /* Neither table is built: a restart's
                                 * read-back digested the switch's flows
                                 * and found what the last sync left
                                 * ('saved'), which the flows wanted for
                                 * its ofports are.
                                 * Built (build_deferred() in rt-sync.c),
                                 * the installed table filled from the
                                 * desired one, when nothing else is due
                                 * or first thing when something is... */
    unsigned int *deferred_ofports; /* ...with these ofports (owned),
                                 * the last sync's, which the switch's
                                 * flows are for (the ports whose
                                 * 'ofports' differ are synced after the
                                 * build); NULL once the topology or the
                                 * switch's ND support changed: then a
                                 * read-back and full comparison
                                 * instead. */
    struct rt_digest saved;     /* What was last saved or loaded. */
    bool need_dump;             /* Installed table must be read back. */
    /* At start, as soon as connected, while OVSDB's contents are awaited
     * (digest_early() in rt-sync.c; all forgotten by the next read-back,
     * a disconnection, a topology reload): */
    bool early_checked;         /* Whether the topology still wants the
                                 * flows the last sync left was told: */
    struct rt_digest early_last;    /* if so, that sync's digests and the */
    unsigned int *early_ofports;    /* ofports it built for (owned), else
                                     * NULL; */
    bool early_valid;           /* and if so, the switch's flows of ours */
    ovs_u128 early_digest;      /* digested as soon as connected, while */
    size_t early_n;             /* OVSDB's contents were awaited: their */
    long long int early_start;  /* digest and count, and when that began */
    long long int early_end;    /* and ended (monotonic ms).  The
                                 * restart's read-back, if it would only
                                 * digest them, within RT_EARLY_MS of the
                                 * end; valid until then, the next
                                 * read-back or a disconnection. */
    long long int retry_at;     /* After the switch refused a bundle: not
                                 * before this time (monotonic ms)... */
    int retry_ms;               /* ...which doubles from 1 s to 30 s while
                                 * refusals go on; 0 after a success. */
    long long int next_audit;   /* When to count our flows on the switch
                                 * again (rt_switch_set_audit())... */
    bool need_audit;            /* ...which is due (in b's thread). */
    unsigned int audits_by_tables;  /* Audits b's threads did, told by the */
    unsigned int audits_counted;    /* tables' counts or by counting ours,
                                     * not yet added to the coverage
                                     * counters (the main thread does). */
    bool audit_known;           /* 'audit_others' holds, for each table,
                                 * how many flows of others the switch
                                 * held when an audit last counted ours
                                 * and found what was installed. */
    int64_t audit_others[256];
    long long int next_verify;  /* When to digest them (set after each
                                 * read-back; rt_switch_set_verify())... */
    bool need_verify;           /* ...which is due. */
    int verify_from;            /* The first OpenFlow table the next
                                 * verification dumps: where a stopped
                                 * one left off (0: from the start)... */
    unsigned int verify_slice;  /* ...and its first slice of... */
    unsigned int verify_slices; /* ...so many (struct rt_slices); */
    unsigned int verify_abandoned;  /* how many attempts in a row
                                     * abandoned that slice's dump. */
    bool verify_stop;           /* Set by the main thread while the bridge
                                 * is busy, read by its thread (atomics):
                                 * OVSDB changed its bindings; a
                                 * verification stops after the table or
                                 * slice it is dumping, for the sync. */
    struct rt_table desired;
    struct rt_table installed;

    /* Status. */
    uint64_t n_flow_mods;       /* Flow mods sent since start. */
    uint64_t n_syncs;           /* Bundles committed. */
    long long int last_sync;    /* Wall clock (ms) of the last sync. */
    long long int last_sync_ms; /* Its duration. */
    long long int last_verify;  /* Wall clock (ms) of the last
                                 * verification that found the switch as
                                 * installed, or 0. */
    uint64_t n_tampered;        /* Audits and verifications that found
                                 * our flows changed behind our back. */
    char *last_error;           /* Owned, or NULL. */
    struct hmap counters;       /* "struct rt_counter"s. */

    struct rt_work *work;       /* Owned by rt-work.c: non-NULL while a
                                 * thread works with the switch
                                 * (rt_bridge_busy()). */
    bool rebind;                /* rt_ovsdb_run() left the bridge alone
                                 * while it was busy: bind every port. */
};

/* Makes 'b''s next build a full one, and a build a restart by digest
 * deferred impossible (its topology or ND support changed): frees
 * b->built_ofports and b->deferred_ofports. */
void rt_bridge_forget_builds(struct rt_bridge *b);
/* Forgets what 'b' learned at start for its restart (struct rt_bridge's
 * early_*): after a disconnection, a reload, or once used. */
void rt_bridge_forget_early(struct rt_bridge *b);

/* How many flows of ours 'b''s switch holds, as far as ovs-flowd knows:
 * those of its installed table, or those the digest of the last sync
 * counted while the tables wait for the deferred build. */
size_t rt_bridge_n_installed(const struct rt_bridge *b);

/* Releases everything 'b' owns (closes its connections). */
void rt_bridge_destroy(struct rt_bridge *b);

/* Appends to 's' what flowd/status says of 'b' after "bridge NAME: "
 * (OVSDB, connection, flow counts, syncs, verification, errors), with no
 * newline.  Reads what a busy bridge's thread changes: not for a busy
 * bridge (rt_work_format_status() says what it was). */
struct ds;
void rt_bridge_format_status(const struct rt_bridge *b, struct ds *s);

/* --- OVSDB (rt-ovsdb.c) ---------------------------------------------- */

struct ovsdb_idl;
struct rt_taps;

/* Options of the OVSDB side. */
struct rt_ovsdb_options {
    bool create_bridges;        /* Create missing topology bridges. */
    const char *datapath_type;  /* Overrides the topology's, or NULL. */
};

/* Has the IDL 'idl' (not yet run) replicate only the columns ovs-flowd
 * reads or writes (here and in rt-taps.c), not every column of every
 * table (the contents of a switch of thousands of interfaces, each with
 * its statistics and status, took half a second to arrive), and track
 * changes to those that bind ports, for rt_ovsdb_run(). */
void rt_ovsdb_monitor(struct ovsdb_idl *idl);

/* Reconciles OVSDB with the topology 't' (creating bridges, setting
 * fail_mode and protocols), then updates every rt_bridge's 'in_db',
 * 'ofports' and 'bound'.  Sets 'need_sync' on bridges whose bindings
 * changed.  Leaves busy bridges (rt_bridge_busy()) alone and marks them
 * to be bound in full by the first call after they are reaped.  Consumes
 * (clears) the IDL's tracked changes, unless it returns true: a
 * transaction of its own is still in progress. */
bool rt_ovsdb_run(struct ovsdb_idl *, const struct topo *t,
                  struct hmap *rt_bridges,
                  const struct rt_ovsdb_options *);

/* --- OpenFlow (rt-switch.c) ------------------------------------------ */

/* Audits connected bridge 'b' and processes its packet-ins.
 * 'db_pending': OVSDB's contents have not arrived yet (see
 * rt_switch_connect_due()). */
void rt_switch_run(struct rt_bridge *b, const struct topo *t,
                   bool db_pending);
/* Whether 'b' is to be connected now: it is not, and no attempt failed
 * in the last seconds; before OVSDB's contents arrive, if its management
 * socket exists (it is read back and synced only once OVSDB has said
 * which ofports its ports have). */
bool rt_switch_connect_due(const struct rt_bridge *b);
/* Connects 'b' to its switch: the two connections, fragment handling,
 * the ND extension probe and the meter, a few round trips that block
 * (rt-work.c runs it in a thread, beside OVSDB and the other bridges').
 * Returns true if connected; false after a failure, logged, with the
 * next attempt in a few seconds. */
bool rt_switch_connect(struct rt_bridge *b);
void rt_switch_wait(struct rt_bridge *b);
/* Sets how often (seconds; 0: never) a bridge in sync has the flows of
 * ours on its switch counted, to notice flows deleted or added behind
 * ovs-flowd's back and sync again (default 10). */
void rt_switch_set_audit(int seconds);
/* Sets how often (seconds; 0: never) a bridge in sync has the flows of
 * ours on its switch dumped and digested, to notice flows modified in
 * place behind ovs-flowd's back (default 300). */
void rt_switch_set_verify(int seconds);
/* Schedules b's next verification, counting from now. */
void rt_switch_schedule_verify(struct rt_bridge *b);
/* Audits 'b' (its need_audit): counts the flows on its switch, and sets
 * need_dump if they are not the ones installed; round trips to the
 * switch, so it runs in b's thread (rt_sync_bridge()). */
void rt_switch_audit(struct rt_bridge *b);

/* For rt-sync.c: closes b's connections (logged with 'why'), to be
 * reopened and read back; */
void rt_switch_disconnect(struct rt_bridge *b, const char *why);
/* installs meter 1 at the bridge's log rate (add, or modify if it
 * exists; meters cannot go inside bundles); */
void rt_switch_install_meter(struct rt_bridge *b);
/* returns the vconn name of b's management socket (malloc'd); */
char *rt_switch_target(const struct rt_bridge *b);
/* sets the time of b's next audit, one interval from now. */
void rt_switch_schedule_audit(struct rt_bridge *b);
/* Replaces b's last error with 'msg' (taken; NULL: none). */
void rt_bridge_set_error(struct rt_bridge *b, char *msg);

/* --- Syncing (rt-sync.c) ---------------------------------------------- */

/* Connects 'b' if it is not (rt_switch_connect()), then reads back,
 * rebuilds and syncs 'b' against model 'm' as its need_dump, need_sync,
 * need_audit and need_verify say (a read-back runs in a thread
 * of its own while the bridge's flows are built), or verifies it:
 * the part of a bridge's run that talks at length to its switch.  Touches
 * only 'b' (and reads 'm' and b's topology), so it runs for several
 * bridges at once in threads of their own (rt-work.c). */
void rt_sync_bridge(struct rt_bridge *b, const struct model *m);
/* Sets from how many flow mods on (0: never) a bridge that holds none of
 * our flows is loaded with rt_bulk_load() (default 2048). */
void rt_sync_set_bulk_load(int min);

/* --- Verifying (rt-verify.c) ----------------------------------------- */

/* Verifies 'b' (its need_verify), in b's thread: dumps and digests the
 * flows of ours on its switch, a table or a slice of one at a time, on a
 * connection of its own, and sets need_dump if they are not what was
 * installed; stops when b->verify_stop is set, between two requests or
 * abandoning a dump, and the next verification, due at once, resumes
 * there.  Closes b's connections on an error. */
void rt_verify_bridge(struct rt_bridge *b);
/* Sets how many flows (about) one request of a verification dumps at
 * most: a bigger OpenFlow table is dumped in slices (struct rt_slices;
 * default 65536, at least 1). */
void rt_verify_set_slice(unsigned int flows);

/* --- Working bridges (rt-work.c) -------------------------------------- */

/* Whether a thread works with b's switch (rt_work_run()): until
 * rt_work_reap() says it is done, that thread alone touches b's
 * connections, tables and status, and reads b's ofports, which nothing
 * else may then change. */
static inline bool
rt_bridge_busy(const struct rt_bridge *b)
{
    return b->work != NULL;
}

/* Starts the due work (a read-back, a sync, a verification) of every
 * bridge of 'bridges' (of "struct rt_bridge"s) that is not busy, against
 * model 'm', which must outlive the work (rt_work_finish() before
 * replacing it).  A small update of one bridge is done at once, in this
 * thread; anything more runs in a thread per bridge, and this returns
 * while they work: another bridge's ports are synced meanwhile. */
void rt_work_run(struct hmap *bridges, const struct model *m);
/* Ends the work of the bridges whose thread is done (their 'rebind'
 * says whether rt_ovsdb_run() left them alone meanwhile). */
void rt_work_reap(struct hmap *bridges);
/* Asks b's thread, if it is verifying b's switch, to stop after the
 * request it is waiting for: a change of b waits for it (the
 * verification resumes from there after the sync, see rt-verify.c).
 * Nothing if 'b' is not busy. */
void rt_work_hurry(struct rt_bridge *b);
/* Wakes the poll loop when a bridge's thread is done. */
void rt_work_wait(void);
/* Appends to 's', for busy bridge 'b', what its thread is doing and for
 * how long, then b's status (rt_bridge_format_status()) as it was when
 * the thread started: flowd/status answers at once. */
void rt_work_format_status(const struct rt_bridge *b, struct ds *s);
/* Waits for every bridge's work to end (and reaps it), calling
 * 'idle(aux)' and 'idle_wait(aux)' (both may be NULL) in a poll loop
 * meanwhile: they may touch nothing busy bridges own. */
void rt_work_finish(struct hmap *bridges, void (*idle)(void *aux),
                    void (*idle_wait)(void *aux), void *aux);

/* --- Attaching taps (rt-taps.c) --------------------------------------- */

/* Listens to kernel link events; NULL (logged) if it cannot. */
struct rt_taps *rt_taps_create(void);
void rt_taps_destroy(struct rt_taps *);
/* Adds kernel links named like topology ports that OVSDB lacks to their
 * bridges.  Only call when no other OVSDB transaction is in progress.
 * Returns true if it added any. */
bool rt_taps_run(struct rt_taps *, struct ovsdb_idl *, const struct topo *);
void rt_taps_wait(struct rt_taps *);

/* --- Drop logging (rt-log.c) ----------------------------------------- */

/* Logs packet-in 'msg' (an OpenFlow message) received on bridge 'b' and
 * counts it. */
void rt_log_packet_in(struct rt_bridge *b, const struct topo *t,
                      const struct ofp_header *msg);

/* Appends "rule port count" lines for 'b' to 's'. */
void rt_log_format_counters(const struct rt_bridge *b, const struct topo *t,
                            struct ds *s);

#endif /* rt.h */
