/* SPDX-License-Identifier: Apache-2.0 */
/* emit-dump.c -- the canonical dump of a bridge's flows, produced by
 * libopenvswitch itself (see emit.h).
 *
 * Each flow line is parsed the way ovs-ofctl parses it, encoded as an
 * OpenFlow 1.5 flow mod and decoded again (so every normalization that
 * the wire format implies is applied, as on the switch), then printed by
 * the same function ovs-ofctl's dump-flows uses.  Port names are kept by
 * giving every port a stand-in number that maps back to its name. */
#include <config.h>

#include "emit.h"

#include <stdlib.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/match.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofp-msgs.h"
#include "openvswitch/ofp-port.h"
#include "openvswitch/ofp-protocol.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/ofp-util.h"
#include "strbuf.h"
#include "flow.h"
#include "util.h"

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Formats one flow; returns NULL or an error. */
static char *
dump_one(const struct pipe_flow *f, const struct ofputil_port_map *map,
         struct ds *out)
{
    enum ofputil_protocol usable;
    struct ofputil_flow_mod fm, fm2;
    struct strbuf line = STRBUF_INIT;
    struct ofpbuf ofpacts;
    char *error;

    emit_flow_line(f, &line);
    error = parse_ofp_flow_mod_str(&fm, strbuf_cstr(&line), map, NULL,
                                   OFPFC_ADD, &usable);
    if (error) {
        char *msg = fc_xasprintf("flow \"%s\": %s", strbuf_cstr(&line), error);
        free(error);
        strbuf_destroy(&line);
        return msg;
    }

    struct ofpbuf *msg = ofputil_encode_flow_mod(&fm, OFPUTIL_P_OF15_OXM);
    ofpbuf_init(&ofpacts, 64);
    enum ofperr err = ofputil_decode_flow_mod(&fm2, msg->data,
                                              OFPUTIL_P_OF15_OXM, NULL,
                                              NULL, &ofpacts, OFPP_MAX,
                                              255);
    if (err) {
        char *m = fc_xasprintf("flow \"%s\": does not survive OpenFlow 1.5 "
                            "encoding: %s", strbuf_cstr(&line),
                            ofperr_to_string(err));
        ofpbuf_delete(msg);
        ofpbuf_uninit(&ofpacts);
        minimatch_destroy(&fm.match);
        free(CONST_CAST(struct ofpact *, fm.ofpacts));
        strbuf_destroy(&line);
        return m;
    }

    struct ofputil_flow_stats fs;
    memset(&fs, 0, sizeof fs);
    minimatch_expand(&fm2.match, &fs.match);
    fs.cookie = fm2.new_cookie;
    fs.table_id = fm2.table_id;
    fs.priority = fm2.priority;
    fs.idle_timeout = fm2.idle_timeout;
    fs.hard_timeout = fm2.hard_timeout;
    fs.idle_age = fs.hard_age = -1;
    fs.packet_count = fs.byte_count = UINT64_MAX;
    fs.ofpacts = fm2.ofpacts;
    fs.ofpacts_len = fm2.ofpacts_len;
    fs.flags = fm2.flags;
    fs.importance = fm2.importance;
    ds_put_char(out, ' ');
    ofputil_flow_stats_format(out, &fs, map, NULL, false);

    minimatch_destroy(&fm2.match);
    ofpbuf_uninit(&ofpacts);
    ofpbuf_delete(msg);
    minimatch_destroy(&fm.match);
    free(CONST_CAST(struct ofpact *, fm.ofpacts));
    strbuf_destroy(&line);
    return NULL;
}

char *
emit_dump(const struct pipe_bridge *pb, FILE *stream, bool names)
{
    struct ofputil_port_map map = OFPUTIL_PORT_MAP_INITIALIZER(&map);
    char **lines = fc_xmalloc((pb->n_flows + 1) * sizeof *lines);
    char *error = NULL;
    size_t n = 0;

    for (size_t i = 0; names && i < pb->br->n_ports; i++) {
        ofputil_port_map_put(&map, u16_to_ofp(i + 1),
                             pb->br->ports[i]->name);
    }
    for (size_t i = 0; i < pb->n_flows && !error; i++) {
        struct ds s = DS_EMPTY_INITIALIZER;
        error = dump_one(&pb->flows[i], &map, &s);
        if (error) {
            ds_destroy(&s);
        } else {
            lines[n++] = ds_steal_cstr(&s);
        }
    }
    qsort(lines, n, sizeof *lines, cmp_str);
    for (size_t i = 0; i < n; i++) {
        if (!error) {
            fprintf(stream, "%s\n", lines[i]);
        }
        free(lines[i]);
    }
    free(lines);
    ofputil_port_map_destroy(&map);
    return error;
}
