/* SPDX-License-Identifier: Apache-2.0 */
/* emit-ofctl.c -- the ovs-ofctl flow file of a bridge (see emit.h). */
#include "emit.h"

#include <inttypes.h>
#include <stdlib.h>

#include "strbuf.h"

static int
cmp_flow(const void *a_, const void *b_)
{
    const struct pipe_flow *a = *(const struct pipe_flow *const *) a_;
    const struct pipe_flow *b = *(const struct pipe_flow *const *) b_;

    if (a->table != b->table) {
        return a->table < b->table ? -1 : 1;
    }
    if (a->priority != b->priority) {
        return a->priority > b->priority ? -1 : 1;
    }
    return a < b ? -1 : a > b;      /* Creation order (same array). */
}

const struct pipe_flow **
emit_sorted_flows(const struct pipe_bridge *pb)
{
    const struct pipe_flow **v = fc_xmalloc((pb->n_flows + 1) * sizeof *v);

    for (size_t i = 0; i < pb->n_flows; i++) {
        v[i] = &pb->flows[i];
    }
    qsort(v, pb->n_flows, sizeof *v, cmp_flow);
    return v;
}

void
emit_flow_line(const struct pipe_flow *f, struct strbuf *sb)
{
    strbuf_printf(sb, "table=%u,priority=%u,cookie=0x%016"PRIx64"%s%s "
                  "actions=%s", f->table, f->priority, f->cookie,
                  *f->match ? "," : "", f->match, f->actions);
}

void
emit_ofctl(const struct pipe_bridge *pb, FILE *stream)
{
    const struct pipe_flow **v = emit_sorted_flows(pb);
    struct strbuf sb = STRBUF_INIT;
    int table = -1;

    fprintf(stream,
            "# ovs-flowc: OpenFlow tables of bridge %s (%zu flows).\n"
            "# Load with: ovs-ofctl -O OpenFlow15 --bundle replace-flows "
            "%s FILE\n", pb->br->name, pb->n_flows, pb->br->name);
    for (size_t i = 0; i < pb->n_flows; i++) {
        const struct pipe_flow *f = v[i];
        char *name = pipe_flow_rule_name(pb, f);

        if (f->table != table) {
            table = f->table;
            fprintf(stream, "\n# --- table %d ---\n", table);
        }
        strbuf_clear(&sb);
        emit_flow_line(f, &sb);
        fprintf(stream, "# rule: %s\n%s\n", name, strbuf_cstr(&sb));
        free(name);
    }
    strbuf_destroy(&sb);
    free(v);
}
