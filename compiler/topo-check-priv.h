/* SPDX-License-Identifier: Apache-2.0 */
/* topo-check-priv.h -- shared helpers of the two check files:
 * topo-check.c (shape: keys, types, values), topo-check-refs.c
 * (meaning: references, duplicates, subnets, loops) and
 * topo-check-names.c (names binding ports to interfaces). */
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

/* A JSON pointer built from parts, freed by the caller. */
char *ck_ptr(const char *base, const char *key);
char *ck_ptr_i(const char *base, size_t index);

#endif /* topo-check-priv.h */
