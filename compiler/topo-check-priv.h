/* SPDX-License-Identifier: Apache-2.0 */
/* topo-check-priv.h -- shared helpers of the check files: topo-check.c
 * (shape: keys, types, values), topo-check-port.c (one port's shape),
 * topo-check-refs.c (meaning: references,
 * duplicates, subnets, loops), topo-check-policy.c (groups and
 * policies), topo-check-nat.c (NAT) and topo-check-names.c (names
 * binding ports to interfaces). */
#ifndef TOPO_CHECK_PRIV_H
#define TOPO_CHECK_PRIV_H 1

#include <jansson.h>

#include "topo.h"

/* The state of one check run. */
struct ck {
    struct topo *t;             /* Being filled in; not owned. */
    struct diag_list *d;        /* Not owned. */
    json_t *root;               /* The JSON document; not owned. */
};

void ck_err(struct ck *, const char *ptr, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void ck_note(struct ck *, const char *ptr, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void ck_warn(struct ck *, const char *ptr, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Resolves the references of a checked-shape topology and applies the
 * semantic rules (topo-check-refs.c). */
void topo_check_refs(struct ck *, json_t *root);

/* Reports a port name used on two bridges and an iface_id used by two
 * ports (topo-check-names.c). */
void topo_check_names(struct ck *);

/* Parse and check the groups of 'root' and a bridge's "policy" object,
 * filling in ck->t (topo-check-policy.c). */
void ck_parse_groups(struct ck *, json_t *root);
void ck_parse_policy(struct ck *, struct topo_bridge *, json_t *policy);

/* Parses and checks a bridge's "nat" object into br->nat
 * (topo-check-nat.c). */
void ck_parse_nat(struct ck *, struct topo_bridge *, json_t *nat);

/* "a string", "an object", ...: the JSON type of 'j' for a message (a
 * static string). */
const char *ck_json_type(const json_t *j);

/* Reports every key of 'obj' not in 'allowed' (NULL-terminated) as an
 * error at its pointer under 'ptr'; 'what' names the object. */
void ck_check_keys(struct ck *, json_t *obj, const char *ptr,
                   const char *const allowed[], const char *what);

/* Parse JSON value 'v' at pointer 'p' as an address of 'family'
 * (AF_UNSPEC: either), or as a CIDR prefix, into '*out'; report what is
 * wrong and return false otherwise. */
bool ck_parse_addr(struct ck *, json_t *v, const char *p, int family,
                   struct prefix *out);
bool ck_parse_cidr(struct ck *, json_t *v, const char *p, int family,
                   struct prefix *out);

/* Returns obj[key] if it has JSON type 'type' (JSON_TRUE stands for any
 * boolean); reports a missing required member ('what' names the object)
 * or a wrong type and returns NULL.  The value is borrowed from 'obj'. */
json_t *ck_member(struct ck *, json_t *obj, const char *ptr, const char *key,
                  json_type type, bool required, const char *what);

/* Parses string member 'key' as one of the NULL-terminated 'choices':
 * returns true and sets '*out' to its index; false if it is absent or
 * reported as wrong. */
bool ck_parse_enum(struct ck *, json_t *obj, const char *ptr,
                   const char *key, const char *const choices[], int *out);

/* Says what is wrong with an address of a particular list, or NULL. */
typedef const char *addr_rule_func(const struct prefix *);

/* Parses array member 'key' of addresses of 'family' (0: either), or of
 * CIDR prefixes if 'cidr', into 'set' (sorted, without duplicates; each
 * duplicate is reported at its second occurrence); 'rule', if nonnull,
 * rejects what the list may not hold. */
void ck_parse_addr_list(struct ck *, json_t *obj, const char *ptr,
                        const char *key, int family, bool cidr,
                        addr_rule_func *rule, struct prefix_set *set);

/* Says what is wrong with a bridge or port name (a static string), or
 * returns NULL. */
const char *ck_bad_name(const char *name);

/* Parses port 'name' of bridge 'br' (object 'obj' at pointer 'ptr'):
 * returns a new port the caller owns (adds to the bridge), or NULL if it
 * is not an object or has no valid role (topo-check-port.c). */
struct topo_port *ck_parse_port(struct ck *, struct topo_bridge *br,
                                const char *name, json_t *obj,
                                const char *ptr);

/* A JSON pointer built from parts, freed by the caller. */
char *ck_ptr(const char *base, const char *key);
char *ck_ptr_i(const char *base, size_t index);

#endif /* topo-check-priv.h */
