/* SPDX-License-Identifier: Apache-2.0 */
/* rt-parse.c -- the pipeline's flow text made into a match and actions,
 * for rt_table_build() (see rt.h).
 *
 * parse_ofp_flow_mod_str() was two thirds of building a bridge's flows,
 * and the build is what a first load waits for.  For every line it
 * copies the line, parses table, priority and cookie from text, tells
 * each keyword of the match from some thirty others by strcmp() before
 * looking it up as a field, and parses the actions anew, although half a
 * million flows of a bridge have a few dozen shapes and many share their
 * actions ("resubmit(,20)" is one flow in seven).  A parser here lives
 * for one build and remembers what each keyword is (a protocol shorthand
 * or a field) and the actions of the texts that recur; table,
 * priority and cookie come as numbers from the pipeline.  Each field is
 * parsed by the library's ofp_parse_field(), the actions of a new text
 * by ofpacts_parse_instructions(), and every flow's actions are checked
 * against its own match by ofpacts_check(), in the library's order, so
 * the result is what parse_ofp_flow_mod_str() makes of the same line
 * (tests/flowd/test-parse.c compares the two for every flow of every
 * example topology).  A keyword the library treats otherwise (flags, a
 * subfield, "eth") is left to the library: EOPNOTSUPP. */
#include <config.h>

#include "rt.h"

#include <errno.h>
#include <string.h>

#include "byte-order.h"
#include "hash.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/hmap.h"
#include "openvswitch/match.h"
#include "openvswitch/meta-flow.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/ofp-errors.h"
#include "openvswitch/ofp-parse.h"
#include "openvswitch/ofp-protocol.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/shash.h"
#include "packets.h"
#include "pipe.h"
#include "util.h"

/* How many distinct action texts a parser remembers.  The pipeline makes
 * a bridge's flows stage by stage over all ports, so texts that recur
 * (every port has them) keep coming after thousands that belong to one
 * port only; when the memory is full, the texts not met again since the
 * last purge are forgotten (purge_actions()).  At 10k ports (503k flows,
 * 190k distinct action texts) a build then parses each text once. */
#define PARSER_MAX_ACTIONS 4096

/* What a keyword of a match is. */
struct keyword {
    const struct ofp_protocol *protocol;    /* A shorthand, or... */
    const struct mf_field *field;           /* ...a field, or neither. */
};

/* The actions of one text, as ofpacts_parse_instructions() made them. */
struct action_text {
    struct hmap_node node;      /* In rt_parser.actions, by text hash. */
    const char *text;           /* The pipeline's; not owned. */
    struct ofpact *ofpacts;     /* Owned. */
    size_t ofpacts_len;
    enum ofputil_protocol usable;
    unsigned int n_hits;        /* Times met again since the last purge. */
};

struct rt_parser {
    struct shash keywords;      /* Name -> struct keyword (owned). */
    struct hmap actions;        /* Of struct action_text. */
    struct ds match;            /* The text being parsed (scratch). */
    bool full;                  /* Remembers no more action texts. */
};

struct rt_parser *
rt_parser_create(void)
{
    struct rt_parser *p = xmalloc(sizeof *p);

    shash_init(&p->keywords);
    hmap_init(&p->actions);
    ds_init(&p->match);
    p->full = false;
    return p;
}

void
rt_parser_destroy(struct rt_parser *p)
{
    struct action_text *a;

    if (!p) {
        return;
    }
    shash_destroy_free_data(&p->keywords);
    HMAP_FOR_EACH_POP (a, node, &p->actions) {
        free(a->ofpacts);
        free(a);
    }
    hmap_destroy(&p->actions);
    ds_destroy(&p->match);
    free(p);
}

/* What keyword 'name' is, as parse_ofp_str__() tells it: a protocol
 * shorthand first, then a few keywords of its own (neither here), then a
 * field. */
static const struct keyword *
keyword_of(struct rt_parser *p, const char *name)
{
    static const char *const own[] = {
        "eth", "send_flow_rem", "check_overlap", "reset_counts",
        "no_packet_counts", "no_byte_counts", "no_readonly_table",
        "allow_hidden_fields",
    };
    struct keyword *k = shash_find_data(&p->keywords, name);

    if (!k) {
        k = xzalloc(sizeof *k);
        if (!ofp_parse_protocol(name, &k->protocol)) {
            k->protocol = NULL;
            k->field = mf_from_name(name);
            for (size_t i = 0; i < ARRAY_SIZE(own); i++) {
                if (!strcmp(name, own[i])) {
                    k->field = NULL;
                }
            }
        }
        shash_add(&p->keywords, name, k);
    }
    return k;
}

/* Forgets the action texts not met again since they were parsed or the
 * last purge.  If that leaves most of them, remembers no more: a purge
 * costs a pass over all, and must free room for many texts to be worth
 * it. */
static void
purge_actions(struct rt_parser *p)
{
    struct action_text *a;

    HMAP_FOR_EACH_SAFE (a, node, &p->actions) {
        if (!a->n_hits) {
            hmap_remove(&p->actions, &a->node);
            free(a->ofpacts);
            free(a);
        } else {
            a->n_hits = 0;
        }
    }
    if (hmap_count(&p->actions) > PARSER_MAX_ACTIONS * 3 / 4) {
        p->full = true;
    }
}

/* The actions of text 'text', parsed once per text (of up to
 * PARSER_MAX_ACTIONS remembered); NULL with '*errorp' set if OVS refuses
 * them.  The result stays the parser's. */
static const struct action_text *
actions_of(struct rt_parser *p, const char *text, struct action_text *tmp,
           char **errorp)
{
    uint32_t hash = hash_string(text, 0);
    struct action_text *a;

    HMAP_FOR_EACH_WITH_HASH (a, node, hash, &p->actions) {
        if (!strcmp(a->text, text)) {
            a->n_hits++;
            return a;
        }
    }

    struct ofpbuf ofpacts;
    enum ofputil_protocol usable;
    ofpbuf_init(&ofpacts, 32);
    struct ofpact_parse_params pp = {
        .ofpacts = &ofpacts,
        .usable_protocols = &usable,
    };
    *errorp = ofpacts_parse_instructions(text, &pp);
    if (*errorp) {
        ofpbuf_uninit(&ofpacts);
        return NULL;
    }
    if (hmap_count(&p->actions) >= PARSER_MAX_ACTIONS && !p->full) {
        purge_actions(p);
    }
    a = hmap_count(&p->actions) < PARSER_MAX_ACTIONS ? xmalloc(sizeof *a)
                                                     : tmp;
    a->text = text;
    a->n_hits = 0;
    a->ofpacts_len = ofpacts.size;
    a->ofpacts = ofpbuf_steal_data(&ofpacts);
    a->usable = usable;
    if (a != tmp) {
        hmap_insert(&p->actions, &a->node, hash);
    }
    return a;
}

int
rt_parse_flow(struct rt_parser *p, const struct pipe_flow *pf,
              struct minimatch *out, struct ofpact **ofpactsp,
              size_t *ofpacts_lenp, char **errorp)
{
    enum ofputil_protocol usable = OFPUTIL_P_ANY;
    struct match match = MATCH_CATCHALL_INITIALIZER;
    char *s, *name, *value;

    *errorp = NULL;

    /* The match, key by key, as parse_ofp_str__() does it. */
    ds_clear(&p->match);
    ds_put_cstr(&p->match, pf->match);
    s = ds_cstr(&p->match);
    while (ofputil_parse_key_value(&s, &name, &value)) {
        const struct keyword *k = keyword_of(p, name);

        if (k->protocol) {
            match_set_dl_type(&match, htons(k->protocol->dl_type));
            if (k->protocol->nw_proto) {
                match_set_nw_proto(&match, k->protocol->nw_proto);
            }
            match_set_default_packet_type(&match);
        } else if (k->field) {
            *errorp = ofp_parse_field(k->field, value, NULL, &match,
                                      &usable);
            if (*errorp) {
                return EINVAL;
            }
        } else {
            return EOPNOTSUPP;
        }
    }
    if (match.wc.masks.packet_type == OVS_BE32_MAX
        && pt_ns(match.flow.packet_type) == OFPHTN_ETHERTYPE) {
        match.flow.dl_type = pt_ns_type_be(match.flow.packet_type);
    }
    if (match.flow.dl_type == htons(ETH_TYPE_IPV6)
        && (match.wc.masks.nw_proto || match.wc.masks.nw_tos
            || match.wc.masks.tp_src || match.wc.masks.tp_dst)) {
        usable &= OFPUTIL_P_NXM_OXM_ANY;
    }

    /* The actions: parsed once per text, checked against this match. */
    struct action_text tmp;
    const struct action_text *a = actions_of(p, pf->actions, &tmp, errorp);
    if (!a) {
        return EINVAL;
    }
    struct ofpact *ofpacts = (a == &tmp ? tmp.ofpacts
                              : xmemdup(a->ofpacts, a->ofpacts_len));
    struct ofpact_check_params cp = {
        .match = &match,
        .max_ports = OFPP_MAX,
        .table_id = pf->table,
        .n_tables = 255,
    };
    enum ofperr err = ofpacts_check(ofpacts, a->ofpacts_len, &cp);
    usable &= a->usable & cp.usable_protocols;
    if (!err && !usable) {
        err = OFPERR_OFPBAC_MATCH_INCONSISTENT;
    }
    if (err) {
        *errorp = xasprintf("actions are invalid with specified match (%s)",
                            ofperr_to_string(err));
        free(ofpacts);
        return EINVAL;
    }
    minimatch_init(out, &match);
    *ofpactsp = ofpacts;
    *ofpacts_lenp = a->ofpacts_len;
    return 0;
}
