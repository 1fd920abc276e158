/* SPDX-License-Identifier: Apache-2.0 */
/* emit-json.c -- the flow IR as JSON, for tools (see emit.h).
 *
 *   { "version": 1,
 *     "kinds": { "<slug>": { "id": N, "drop": bool, "description": "..." } },
 *     "bridges": { "<bridge>": { "flows": [
 *         { "table": 0, "priority": 200, "cookie": "0x...",
 *           "rule": "<slug>", "port": "<port>" | null,
 *           "name": "<human rule name>", "match": "...",
 *           "actions": "..." } ] } } } */
#include "emit.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>

#include "strbuf.h"

void
emit_json(struct pipe_bridge *const *pbs, size_t n, FILE *stream)
{
    json_t *root = json_object(), *kinds = json_object();
    json_t *bridges = json_object();

    json_object_set_new(root, "version", json_integer(1));
    for (int k = 0; k < PIPE_N_KINDS; k++) {
        json_t *o = json_object();
        json_object_set_new(o, "id", json_integer(k));
        json_object_set_new(o, "drop", json_boolean(pipe_kind_is_drop(k)));
        json_object_set_new(o, "description",
                            json_string(pipe_kind_description(k)));
        json_object_set_new(kinds, pipe_kind_slug(k), o);
    }
    json_object_set_new(root, "kinds", kinds);
    for (size_t b = 0; b < n; b++) {
        const struct pipe_bridge *pb = pbs[b];
        const struct pipe_flow **v = emit_sorted_flows(pb);
        json_t *flows = json_array(), *bo = json_object();

        for (size_t i = 0; i < pb->n_flows; i++) {
            const struct pipe_flow *f = v[i];
            char cookie[24];
            char *name = pipe_flow_rule_name(pb, f);
            json_t *o = json_object();

            snprintf(cookie, sizeof cookie, "0x%016"PRIx64, f->cookie);
            json_object_set_new(o, "table", json_integer(f->table));
            json_object_set_new(o, "priority", json_integer(f->priority));
            json_object_set_new(o, "cookie", json_string(cookie));
            json_object_set_new(o, "rule",
                                json_string(pipe_kind_slug(f->kind)));
            json_object_set_new(o, "port", f->port
                                ? json_string(f->port->name) : json_null());
            json_object_set_new(o, "name", json_string(name));
            json_object_set_new(o, "match", json_string(f->match));
            json_object_set_new(o, "actions", json_string(f->actions));
            json_array_append_new(flows, o);
            free(name);
        }
        json_object_set_new(bo, "flows", flows);
        json_object_set_new(bridges, pb->br->name, bo);
        free(v);
    }
    json_object_set_new(root, "bridges", bridges);
    json_dumpf(root, stream, JSON_INDENT(1) | JSON_SORT_KEYS);
    fputc('\n', stream);
    json_decref(root);
}
