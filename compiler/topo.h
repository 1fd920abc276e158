/* SPDX-License-Identifier: Apache-2.0 */
/* topo.h -- the topology: reading the JSON (parse) and validating it into
 * typed structures (check).
 *
 * Stage 1, parse (topo-parse.c): the file is read whole and handed to
 * jansson with JSON_REJECT_DUPLICATES, so duplicate keys, invalid UTF-8 and
 * syntax errors stop here with jansson's own line and column.  jansson
 * keeps no positions on values, so a second pass over the raw text
 * (topo-pos.c) builds a position index: JSON pointer -> where the value
 * (and, for object members, its key) starts and how long its token is.
 *
 * Stage 2, check (topo-check.c, topo-check-refs.c): walks the JSON tree,
 * rejects unknown keys and malformed values, resolves references (patch
 * peers, mirror ports, NAT ports, policy references, groups) and applies
 * every rule of TOPOLOGY.md.  It never stops at the first problem: every
 * error goes into a diag_list with its position, and the typed topology is
 * built from whatever was valid.  Callers must not use a topology whose
 * check reported errors for anything but printing those errors.
 *
 * Everything below is owned by the `struct topo` that holds it and freed by
 * topo_destroy().  Arrays of bridges and ports are sorted by name so that
 * output is deterministic whatever the key order in the file. */
#ifndef TOPO_H
#define TOPO_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "diag.h"

struct json_t;

enum topo_role {
    TOPO_GUEST,
    TOPO_HOST,
    TOPO_UPLINK,
    TOPO_PATCH,
    TOPO_MONITOR,
};

/* Services a host port may offer to guests (bit flags). */
enum topo_service {
    TOPO_SVC_DHCP = 1 << 0,
    TOPO_SVC_DNS = 1 << 1,
    TOPO_SVC_RA = 1 << 2,
    TOPO_SVC_DHCPV6 = 1 << 3,
    TOPO_SVC_QUERIER = 1 << 4,  /* IGMP/MLD multicast listener queries. */
    TOPO_SVC_ALL = (1 << 5) - 1,
};

/* A growable array of prefixes. */
struct prefix_set {
    struct prefix *p;       /* Owned. */
    size_t n, cap;
};

void prefix_set_add(struct prefix_set *, const struct prefix *);
bool prefix_set_contains_addr(const struct prefix_set *,
                              const struct prefix *addr);
void prefix_set_sort_unique(struct prefix_set *);
void prefix_set_destroy(struct prefix_set *);

struct topo_bridge;

/* One port of a bridge. */
struct topo_port {
    char *name;                 /* Key in "ports"; the OVS interface name
                                 * unless 'iface_id' is set. */
    char *pointer;              /* JSON pointer of the port object. */
    struct topo_bridge *bridge; /* Not owned. */
    enum topo_role role;
    size_t index;               /* Position in bridge->ports. */
    uint32_t id;                /* Topology-wide port number used in
                                 * cookies and registers: 1 to 2^24-1,
                                 * from a hash of "bridge/port", so it
                                 * stays the same when other ports come
                                 * or go (see topo_check()). */

    /* Guest and host ports. */
    struct mac mac;
    struct prefix_set ipv4;     /* Host addresses. */
    struct prefix_set ipv6;     /* Host addresses (global/ULA). */
    struct prefix_set link_local;   /* fe80:: host addresses. */
    struct prefix_set extra;    /* allowed_extra CIDRs, v4 and v6. */
    bool dhcp;                  /* May send DHCPv4 from 0.0.0.0. */
    bool ll_listed;             /* link_local was an explicit list (else
                                 * derived from 'mac'). */
    unsigned int services;      /* TOPO_SVC_*: what a host port may serve
                                 * to guests; what the network behind an
                                 * uplink may (TOPO_SVC_ALL unless listed);
                                 * 0 for other roles. */

    char *iface_id;             /* external_ids:iface-id, or NULL. */

    /* Patch ports. */
    char *peer_bridge_name;     /* From "peer"; NULL if malformed. */
    char *peer_port_name;
    struct topo_port *peer;     /* Resolved peer; not owned. */
};

enum topo_mirror_dir {
    TOPO_MIRROR_IN = 1 << 0,    /* Frames the selected ports send. */
    TOPO_MIRROR_OUT = 1 << 1,   /* Frames the selected ports receive. */
};

/* Each mirror takes one register bit, and a port selected by k mirrors
 * needs 2^k output flows (see pipe-forward.c). */
#define TOPO_MAX_MIRRORS 8

struct topo_mirror {
    char *name;
    struct topo_port *to;       /* The monitor port; not owned. */
    bool from_all;
    struct topo_port **from;    /* Owned array of unowned ports. */
    size_t n_from;
    unsigned int dir;           /* TOPO_MIRROR_* bits. */
};

struct topo_forward {
    int proto;                  /* IPPROTO_TCP or IPPROTO_UDP. */
    uint16_t port;              /* Port on nat.address. */
    struct topo_port *to;       /* Guest; not owned. */
    uint16_t to_port;
};

struct topo_nat {
    struct topo_port *uplink;   /* Not owned. */
    struct prefix address;
    struct prefix next_hop_ip;
    bool has_next_hop_mac;
    struct mac next_hop_mac;
    struct prefix gateway_ip;
    bool has_gateway_ipv6;
    struct prefix gateway_ipv6;
    struct mac gateway_mac;
    struct prefix_set block;
    struct topo_forward *forwards;  /* Owned. */
    size_t n_forwards;
};

/* A reference in a policy rule, resolved. */
enum topo_ref_kind {
    TOPO_REF_ANY,       /* Omitted: any endpoint. */
    TOPO_REF_PORT,      /* One port. */
    TOPO_REF_BRIDGE,    /* All guest and host ports of a bridge. */
    TOPO_REF_GROUP,     /* A group. */
    TOPO_REF_CIDR,      /* A prefix. */
};

struct topo_ref {
    enum topo_ref_kind kind;
    char *text;                 /* As written. */
    struct topo_port *port;     /* TOPO_REF_PORT. */
    struct topo_bridge *bridge; /* TOPO_REF_BRIDGE. */
    struct topo_group *group;   /* TOPO_REF_GROUP. */
    struct prefix cidr;         /* TOPO_REF_CIDR. */
};

/* A closed range of transport ports. */
struct topo_port_range {
    uint16_t lo, hi;
};

struct topo_rule {
    size_t index;               /* Position in policy.rules. */
    bool allow;
    struct topo_ref from, to;
    int proto;                  /* 0 = any, else IPPROTO_*. */
    struct topo_port_range *ports;  /* Owned; empty = all. */
    size_t n_ports;
    bool log;
};

struct topo_policy {
    bool present;
    bool default_allow;
    struct topo_rule *rules;    /* Owned. */
    size_t n_rules;
};

struct topo_bridge {
    char *name;
    char *pointer;              /* JSON pointer of the bridge object. */
    size_t index;               /* Position in topo->bridges. */
    struct prefix_set subnets;
    bool host_only;
    bool bad_subnets;           /* Some subnet did not parse: addresses
                                 * are not checked against the rest (one
                                 * mistake, one message). */
    struct topo_port **ports;   /* Owned array, sorted by name. */
    size_t n_ports;
    struct topo_mirror *mirrors;    /* Owned, sorted by name. */
    size_t n_mirrors;
    struct topo_nat *nat;       /* Owned, or NULL. */
    struct topo_policy policy;
    bool log_drops;             /* Default true. */
    unsigned int log_rate_pps;  /* Default 100. */
    char *datapath_type;        /* "system" (default) or "netdev". */
};

/* A member of a group: a port or a prefix. */
struct topo_group {
    char *name;
    struct topo_port **ports;   /* Owned array of unowned ports. */
    size_t n_ports;
    struct prefix_set cidrs;
};

/* A whole topology. */
struct topo {
    char *file;                 /* Name used in messages. */
    char *text;                 /* The raw file contents, owned. */
    size_t text_len;
    struct json_t *root;        /* Owned reference, or NULL. */

    struct topo_bridge **bridges;   /* Owned, sorted by name. */
    size_t n_bridges;
    struct topo_group **groups;     /* Owned, sorted by name. */
    size_t n_groups;
    struct topo_port **ports_by_id; /* Owned array of unowned ports,
                                     * sorted by id. */
    size_t n_port_ids;              /* Its length: all ports. */
};

/* Reads and parses 'file' ("-" for standard input) into a new topology
 * whose 'root' is set.  Problems go to 'diags' (whose text is
 * pointed at the topology's text); on a syntax error 'root' stays NULL.
 * Always returns a topology the caller must topo_destroy(). */
struct topo *topo_parse_file(const char *file, struct diag_list *diags);
/* The same over a buffer (copied); 'name' is used in messages. */
struct topo *topo_parse_buffer(const char *name, const char *text,
                               size_t len, struct diag_list *diags);

/* Validates the parsed JSON and fills in the typed structures.  Every
 * problem goes to 'diags'.  Returns true if no error was found. */
bool topo_check(struct topo *, struct diag_list *diags);

/* Convenience: parse + check.  Returns NULL (and fills 'diags') if there
 * is any error; otherwise a checked topology the caller owns. */
struct topo *topo_load(const char *file, struct diag_list *diags);

void topo_destroy(struct topo *);

/* Finds a bridge or a port by name; NULL if absent. */
struct topo_bridge *topo_find_bridge(const struct topo *, const char *name);
struct topo_port *topo_bridge_find_port(const struct topo_bridge *,
                                        const char *name);
struct topo_group *topo_find_group(const struct topo *, const char *name);

/* Finds a port by its id; NULL if none. */
struct topo_port *topo_port_by_id(const struct topo *, uint32_t id);

const char *topo_role_name(enum topo_role);
/* True for guest and host ports, the ones whose addresses are pinned. */
static inline bool
topo_port_is_pinned(const struct topo_port *p)
{
    return p->role == TOPO_GUEST || p->role == TOPO_HOST;
}
/* True for uplink and patch ports. */
static inline bool
topo_port_is_border(const struct topo_port *p)
{
    return p->role == TOPO_UPLINK || p->role == TOPO_PATCH;
}

#endif /* topo.h */
