/* SPDX-License-Identifier: Apache-2.0 */
/* topo-check.c -- stage 2a: the shape of a topology.
 *
 * Walks the JSON tree once, rejecting unknown keys and wrongly typed or
 * malformed values, each with its own message and JSON pointer, and fills
 * in the typed structures of topo.h from everything that is valid (a
 * port's own keys in topo-check-port.c, with the value parsers shared
 * from here).  Cross references (patch peers, mirror and NAT ports,
 * policy and group references) are stored by name here and resolved in
 * topo-check-refs.c, topo-check-nat.c and topo-check-policy.c. */
#include "topo-check-priv.h"

#include <ctype.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "strbuf.h"
#include "topo-pos.h"

void
ck_err(struct ck *ck, const char *ptr, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    diag_vat(ck->d, DIAG_ERROR, ptr, false, fmt, args);
    va_end(args);
}

void
ck_warn(struct ck *ck, const char *ptr, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    diag_vat(ck->d, DIAG_WARNING, ptr, false, fmt, args);
    va_end(args);
}

void
ck_note(struct ck *ck, const char *ptr, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    diag_vat(ck->d, DIAG_NOTE, ptr, false, fmt, args);
    va_end(args);
}

char *
ck_ptr(const char *base, const char *key)
{
    return diag_pointer_join(base, key);
}

char *
ck_ptr_i(const char *base, size_t index)
{
    return diag_pointer_index(base, index);
}

const char *
ck_json_type(const json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a number";
    case JSON_TRUE: case JSON_FALSE: return "a boolean";
    case JSON_NULL: return "null";
    }
    return "?";
}

void
ck_check_keys(struct ck *ck, json_t *obj, const char *ptr,
              const char *const allowed[], const char *what)
{
    const char *key;
    json_t *value;

    json_object_foreach (obj, key, value) {
        bool ok = false;
        for (size_t i = 0; allowed[i]; i++) {
            if (!strcmp(key, allowed[i])) {
                ok = true;
                break;
            }
        }
        if (!ok) {
            struct strbuf sb = STRBUF_INIT;
            for (size_t i = 0; allowed[i]; i++) {
                strbuf_printf(&sb, "%s%s", i ? ", " : "", allowed[i]);
            }
            char *p = ck_ptr(ptr, key);
            diag_at(ck->d, DIAG_ERROR, p, true,
                    "unknown key \"%s\" in %s (expected one of: %s)",
                    key, what, strbuf_cstr(&sb));
            free(p);
            strbuf_destroy(&sb);
        }
    }
}

/* Returns obj[key] if it has JSON type 'type' (JSON_TRUE stands for any
 * boolean, JSON_INTEGER also accepts nothing else); reports a missing
 * required member or a wrong type and returns NULL. */
json_t *
ck_member(struct ck *ck, json_t *obj, const char *ptr, const char *key,
          json_type type, bool required, const char *what)
{
    json_t *v = json_object_get(obj, key);

    if (!v) {
        if (required) {
            ck_err(ck, ptr, "%s is missing required key \"%s\"", what, key);
        }
        return NULL;
    }
    bool ok = (type == JSON_TRUE ? json_is_boolean(v)
               : json_typeof(v) == type);
    if (!ok) {
        char *p = ck_ptr(ptr, key);
        static const char *const names[] = {
            [JSON_OBJECT] = "an object", [JSON_ARRAY] = "an array",
            [JSON_STRING] = "a string", [JSON_INTEGER] = "an integer",
            [JSON_REAL] = "a number", [JSON_TRUE] = "a boolean",
            [JSON_FALSE] = "a boolean", [JSON_NULL] = "null",
        };
        ck_err(ck, p, "expected %s, not %s", names[type],
               ck_json_type(v));
        free(p);
        return NULL;
    }
    return v;
}

/* Names of bridges and ports end up in OpenFlow text and OVSDB: keep them
 * to what ovs-ofctl parses unquoted and an interface name can be. */
const char *
ck_bad_name(const char *name)
{
    static const char *const reserved[] = {
        "IN_PORT", "TABLE", "NORMAL", "FLOOD", "ALL", "CONTROLLER",
        "LOCAL", "NONE", "ANY", "UNSET", NULL
    };
    size_t len = strlen(name);
    bool all_digits = true;

    if (!len) {
        return "is empty";
    }
    if (len > 15) {
        return "is longer than 15 characters (an interface name's limit)";
    }
    for (const char *p = name; *p; p++) {
        if (!isalnum((unsigned char) *p) && !strchr("_.-", *p)) {
            return "may contain only letters, digits, '_', '.' and '-'";
        }
        if (!isdigit((unsigned char) *p)) {
            all_digits = false;
        }
    }
    if (all_digits) {
        return "is all digits (it would read as an OpenFlow port number)";
    }
    for (size_t i = 0; reserved[i]; i++) {
        if (!strcasecmp(name, reserved[i])) {
            return "is a reserved OpenFlow port name";
        }
    }
    return NULL;
}

bool
ck_parse_addr(struct ck *ck, json_t *v, const char *p, int family,
              struct prefix *out)
{
    const char *what = family == AF_INET ? "an IPv4 address"
                       : family == AF_INET6 ? "an IPv6 address"
                       : "an IP address";
    if (!json_is_string(v)) {
        ck_err(ck, p, "expected a string (%s), not %s", what,
               ck_json_type(v));
        return false;
    }
    if (!prefix_parse_addr(json_string_value(v), family, out)) {
        ck_err(ck, p, "\"%s\" is not %s", json_string_value(v), what);
        return false;
    }
    return true;
}

bool
ck_parse_cidr(struct ck *ck, json_t *v, const char *p, int family,
              struct prefix *out)
{
    const char *err;

    if (!json_is_string(v)) {
        ck_err(ck, p, "expected a string (a CIDR prefix), not %s",
               ck_json_type(v));
        return false;
    }
    err = prefix_parse_cidr(json_string_value(v), family, true, out);
    if (err) {
        ck_err(ck, p, "\"%s\" %s", json_string_value(v), err);
        return false;
    }
    return true;
}

/* One parsed element of an address list, for duplicate detection. */
struct indexed_prefix {
    struct prefix p;
    size_t index;
};

static int
cmp_indexed_prefix(const void *a_, const void *b_)
{
    const struct indexed_prefix *a = a_, *b = b_;
    int c = prefix_cmp(&a->p, &b->p);
    return c ? c : (a->index < b->index ? -1 : a->index > b->index);
}

/* Parses an array of addresses (cidr = false) or prefixes into 'set'
 * (sorted, without duplicates; each duplicate is reported at its second
 * occurrence).  'rule', if nonnull, rejects addresses the list may not
 * hold.  Sorting keeps this O(n log n) on hostile input. */
void
ck_parse_addr_list(struct ck *ck, json_t *obj, const char *ptr,
                   const char *key, int family, bool cidr,
                   addr_rule_func *rule, struct prefix_set *set)
{
    json_t *arr = ck_member(ck, obj, ptr, key, JSON_ARRAY, false, "");
    struct indexed_prefix *v;
    size_t i, n = 0;
    char *base;
    json_t *e;

    if (!arr) {
        return;
    }
    base = ck_ptr(ptr, key);
    v = fc_xmalloc((json_array_size(arr) + 1) * sizeof *v);
    json_array_foreach (arr, i, e) {
        char *p = ck_ptr_i(base, i);
        bool ok = (cidr ? ck_parse_cidr(ck, e, p, family, &v[n].p)
                   : ck_parse_addr(ck, e, p, family, &v[n].p));
        const char *why = ok && rule ? rule(&v[n].p) : NULL;
        if (why) {
            ck_err(ck, p, "\"%s\" %s", json_string_value(e), why);
        } else if (ok) {
            v[n++].index = i;
        }
        free(p);
    }
    qsort(v, n, sizeof *v, cmp_indexed_prefix);
    for (i = 0; i < n; i++) {
        if (i && prefix_equal(&v[i].p, &v[i - 1].p)) {
            char *p = ck_ptr_i(base, v[i].index);
            ck_err(ck, p, "\"%s\" is listed twice",
                   json_string_value(json_array_get(arr, v[i].index)));
            free(p);
        } else {
            prefix_set_add(set, &v[i].p);
        }
    }
    free(v);
    free(base);
}

bool
ck_parse_enum(struct ck *ck, json_t *obj, const char *ptr, const char *key,
              const char *const choices[], int *out)
{
    json_t *v = ck_member(ck, obj, ptr, key, JSON_STRING, false, "");
    struct strbuf sb = STRBUF_INIT;
    char *p;

    if (!v) {
        return false;
    }
    for (int i = 0; choices[i]; i++) {
        if (!strcmp(json_string_value(v), choices[i])) {
            *out = i;
            strbuf_destroy(&sb);
            return true;
        }
        strbuf_printf(&sb, "%s\"%s\"", i ? ", " : "", choices[i]);
    }
    p = ck_ptr(ptr, key);
    ck_err(ck, p, "\"%s\" is not one of %s", json_string_value(v),
           strbuf_cstr(&sb));
    free(p);
    strbuf_destroy(&sb);
    return false;
}

/* Parses an integer member in [lo, hi]; returns true and sets '*out'. */
static bool
parse_int(struct ck *ck, json_t *obj, const char *ptr, const char *key,
          bool required, long long lo, long long hi, long long *out)
{
    json_t *v = ck_member(ck, obj, ptr, key, JSON_INTEGER, required,
                          "this object");
    if (!v) {
        return false;
    }
    if (json_integer_value(v) < lo || json_integer_value(v) > hi) {
        char *p = ck_ptr(ptr, key);
        ck_err(ck, p, "%lld is out of range (%lld to %lld)",
               (long long) json_integer_value(v), lo, hi);
        free(p);
        return false;
    }
    *out = json_integer_value(v);
    return true;
}

static int
cmp_port_name(const void *a_, const void *b_)
{
    const struct topo_port *const *a = a_, *const *b = b_;
    return strcmp((*a)->name, (*b)->name);
}

static int
cmp_mirror_name(const void *a_, const void *b_)
{
    const struct topo_mirror *a = a_, *b = b_;
    return strcmp(a->name, b->name);
}

static void
parse_mirrors(struct ck *ck, struct topo_bridge *br, json_t *obj,
              const char *ptr)
{
    static const char *const keys[] = { "to", "from", "direction", NULL };
    static const char *const dirs[] = { "both", "in", "out", NULL };
    json_t *mirrors = ck_member(ck, obj, ptr, "mirrors", JSON_OBJECT, false,
                                "");
    const char *name;
    json_t *m;
    char *base;

    if (!mirrors) {
        return;
    }
    base = ck_ptr(ptr, "mirrors");
    if (json_object_size(mirrors) > TOPO_MAX_MIRRORS) {
        ck_err(ck, base, "%zu mirrors: a bridge may have at most %d",
               json_object_size(mirrors), TOPO_MAX_MIRRORS);
    }
    br->mirrors = fc_xzalloc((json_object_size(mirrors) + 1)
                          * sizeof *br->mirrors);
    json_object_foreach (mirrors, name, m) {
        char *p = ck_ptr(base, name);
        struct topo_mirror *mir;
        int dir = 0;
        json_t *v;

        if (!json_is_object(m)) {
            ck_err(ck, p, "a mirror must be an object, not %s",
                   ck_json_type(m));
            free(p);
            continue;
        }
        ck_check_keys(ck, m, p, keys, "a mirror");
        mir = &br->mirrors[br->n_mirrors++];
        mir->name = fc_xstrdup(name);
        mir->dir = TOPO_MIRROR_IN | TOPO_MIRROR_OUT;
        if (ck_parse_enum(ck, m, p, "direction", dirs, &dir)) {
            mir->dir = (dir == 0 ? TOPO_MIRROR_IN | TOPO_MIRROR_OUT
                        : dir == 1 ? TOPO_MIRROR_IN : TOPO_MIRROR_OUT);
        }
        /* "to" and "from" are resolved in topo-check-refs.c. */
        ck_member(ck, m, p, "to", JSON_STRING, true, "a mirror");
        v = json_object_get(m, "from");
        if (!v) {
            ck_err(ck, p, "a mirror is missing required key \"from\"");
        } else if (!(json_is_string(v) && !strcmp(json_string_value(v),
                                                  "all"))
                   && !json_is_array(v)) {
            char *pf = ck_ptr(p, "from");
            ck_err(ck, pf, "expected \"all\" or an array of port names");
            free(pf);
        }
        free(p);
    }
    qsort(br->mirrors, br->n_mirrors, sizeof *br->mirrors,
          cmp_mirror_name);
    free(base);
}

static void
parse_bridge(struct ck *ck, const char *name, json_t *obj, const char *ptr)
{
    static const char *const keys[] = {
        "subnets", "isolation", "ports", "mirrors", "nat", "policy", "log",
        "datapath_type", NULL
    };
    static const char *const isolations[] = { "none", "host-only", NULL };
    static const char *const dp_types[] = { "system", "netdev", NULL };
    struct topo_bridge *br;
    const char *why;
    json_t *ports, *v;
    int k;

    if (!json_is_object(obj)) {
        ck_err(ck, ptr, "a bridge must be an object, not %s",
               ck_json_type(obj));
        return;
    }
    why = ck_bad_name(name);
    if (why) {
        diag_at(ck->d, DIAG_ERROR, ptr, true, "bridge name \"%s\" %s",
                name, why);
    }
    ck_check_keys(ck, obj, ptr, keys, "a bridge");

    br = fc_xzalloc(sizeof *br);
    br->name = fc_xstrdup(name);
    br->pointer = fc_xstrdup(ptr);
    br->log_drops = true;
    br->log_rate_pps = 100;
    br->datapath_type = fc_xstrdup("system");
    ck->t->bridges[ck->t->n_bridges++] = br;

    size_t errors = ck->d->n_errors;
    ck_parse_addr_list(ck, obj, ptr, "subnets", 0, true, NULL, &br->subnets);
    br->bad_subnets = ck->d->n_errors != errors;
    if (ck_parse_enum(ck, obj, ptr, "isolation", isolations, &k)) {
        br->host_only = k == 1;
    }
    if (ck_parse_enum(ck, obj, ptr, "datapath_type", dp_types, &k)) {
        free(br->datapath_type);
        br->datapath_type = fc_xstrdup(dp_types[k]);
    }

    ports = ck_member(ck, obj, ptr, "ports", JSON_OBJECT, true, "a bridge");
    if (ports) {
        const char *pname;
        json_t *pobj;
        char *pbase = ck_ptr(ptr, "ports");

        br->ports = fc_xzalloc((json_object_size(ports) + 1)
                            * sizeof *br->ports);
        json_object_foreach (ports, pname, pobj) {
            char *p = ck_ptr(pbase, pname);
            struct topo_port *port = ck_parse_port(ck, br, pname, pobj, p);
            if (port) {
                br->ports[br->n_ports++] = port;
            }
            free(p);
        }
        free(pbase);
        qsort(br->ports, br->n_ports, sizeof *br->ports, cmp_port_name);
        for (size_t i = 0; i < br->n_ports; i++) {
            br->ports[i]->index = i;
        }
    }

    v = ck_member(ck, obj, ptr, "log", JSON_OBJECT, false, "");
    if (v) {
        static const char *const log_keys[] = { "drops", "rate_pps", NULL };
        char *p = ck_ptr(ptr, "log");
        json_t *d;
        long long rate;

        ck_check_keys(ck, v, p, log_keys, "\"log\"");
        d = ck_member(ck, v, p, "drops", JSON_TRUE, false, "");
        if (d) {
            br->log_drops = json_is_true(d);
        }
        if (parse_int(ck, v, p, "rate_pps", false, 1, 1000000, &rate)) {
            br->log_rate_pps = rate;
        }
        free(p);
    }
    parse_mirrors(ck, br, obj, ptr);
    /* "nat" and "policy" are parsed in topo-check-refs.c, where the
     * ports they name are known. */
    ck_member(ck, obj, ptr, "nat", JSON_OBJECT, false, "");
    ck_member(ck, obj, ptr, "policy", JSON_OBJECT, false, "");
}

static int
cmp_bridge_name(const void *a_, const void *b_)
{
    const struct topo_bridge *const *a = a_, *const *b = b_;
    return strcmp((*a)->name, (*b)->name);
}

/* FNV-1a of "bridge/port". */
static uint32_t
port_hash(const struct topo_port *p)
{
    uint32_t h = 2166136261u;
    for (const char *s = p->bridge->name; *s; s++) {
        h = (h ^ (unsigned char) *s) * 16777619u;
    }
    h = (h ^ '/') * 16777619u;
    for (const char *s = p->name; *s; s++) {
        h = (h ^ (unsigned char) *s) * 16777619u;
    }
    return h;
}

static int
cmp_port_id(const void *a_, const void *b_)
{
    const struct topo_port *const *a = a_, *const *b = b_;
    return (*a)->id < (*b)->id ? -1 : (*a)->id > (*b)->id;
}

/* Port ids go into cookies (24 bits) and reg1.  They come from a hash of
 * "bridge/port", so adding or removing a port leaves every other port's
 * id, and so its flows, unchanged (a reload then touches only that port's
 * flows and the shared ones).  The rare collision is resolved by probing,
 * in bridge then port name order. */
static void
assign_port_ids(struct topo *t)
{
    size_t n = 0, cap = 16;
    uint32_t *used;

    for (size_t i = 0; i < t->n_bridges; i++) {
        t->bridges[i]->index = i;
        n += t->bridges[i]->n_ports;
    }
    while (cap < 2 * n) {
        cap *= 2;
    }
    used = fc_xzalloc(cap * sizeof *used);      /* Open addressing. */
    t->ports_by_id = fc_xzalloc((n + 1) * sizeof *t->ports_by_id);
    t->n_port_ids = 0;
    for (size_t i = 0; i < t->n_bridges; i++) {
        for (size_t j = 0; j < t->bridges[i]->n_ports; j++) {
            struct topo_port *port = t->bridges[i]->ports[j];
            uint32_t id = port_hash(port) % 0xfffffe + 1;
            for (;;) {
                size_t slot = (id * 2654435761u) & (cap - 1);
                while (used[slot] && used[slot] != id) {
                    slot = (slot + 1) & (cap - 1);
                }
                if (!used[slot]) {
                    used[slot] = id;
                    break;
                }
                id = id % 0xfffffe + 1;         /* Taken: probe on. */
            }
            port->id = id;
            t->ports_by_id[t->n_port_ids++] = port;
        }
    }
    free(used);
    qsort(t->ports_by_id, t->n_port_ids, sizeof *t->ports_by_id,
          cmp_port_id);
}

struct topo_port *
topo_port_by_id(const struct topo *t, uint32_t id)
{
    size_t lo = 0, hi = t->n_port_ids;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        uint32_t m = t->ports_by_id[mid]->id;
        if (m == id) {
            return t->ports_by_id[mid];
        }
        if (m < id) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return NULL;
}

bool
topo_check(struct topo *t, struct diag_list *diags)
{
    static const char *const keys[] = { "version", "bridges", "groups",
                                        NULL };
    struct ck ck = { .t = t, .d = diags, .root = t->root };
    json_t *root = t->root, *bridges;
    size_t n_errors = diags->n_errors;
    long long version;

    if (!root) {
        return false;
    }
    if (!json_is_object(root)) {
        ck_err(&ck, "", "a topology must be a JSON object, not %s",
               ck_json_type(root));
        goto done;
    }
    ck_check_keys(&ck, root, "", keys, "the topology");
    if (parse_int(&ck, root, "", "version", true, 1, 1, &version)) {
        /* Only version 1 exists. */
    }
    bridges = ck_member(&ck, root, "", "bridges", JSON_OBJECT, true,
                        "the topology");
    if (bridges) {
        const char *name;
        json_t *b;

        if (!json_object_size(bridges)) {
            ck_err(&ck, "/bridges", "no bridges: a topology needs at least "
                   "one");
        }
        t->bridges = fc_xzalloc((json_object_size(bridges) + 1)
                             * sizeof *t->bridges);
        json_object_foreach (bridges, name, b) {
            char *p = ck_ptr("/bridges", name);
            parse_bridge(&ck, name, b, p);
            free(p);
        }
        qsort(t->bridges, t->n_bridges, sizeof *t->bridges,
              cmp_bridge_name);
    }

    assign_port_ids(t);

    topo_check_refs(&ck, root);

done:
    topo_pos_resolve(t->text, t->text_len, diags);
    return diags->n_errors == n_errors;
}
