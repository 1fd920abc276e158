/* SPDX-License-Identifier: Apache-2.0 */
/* emit-ofctl.c -- the ovs-ofctl flow file of a bridge (see emit.h). */
#include "emit.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

/* Sorts 'n' flows of 'v' into table order, descending priority, keeping
 * the order of equal keys: a stable LSD radix sort on the 24-bit key
 * (table, 65535 - priority), one byte a pass.  'tmp' has room for 'n'. */
static void
radix_sort(const struct pipe_flow **v, const struct pipe_flow **tmp,
           size_t n)
{
    for (int pass = 0; pass < 3; pass++) {
        size_t count[257] = { 0 };

        for (size_t i = 0; i < n; i++) {
            uint32_t key = ((uint32_t) v[i]->table << 16)
                           | (0xffffu - v[i]->priority);
            count[((key >> (8 * pass)) & 0xff) + 1]++;
        }
        for (int b = 0; b < 256; b++) {
            count[b + 1] += count[b];
        }
        for (size_t i = 0; i < n; i++) {
            uint32_t key = ((uint32_t) v[i]->table << 16)
                           | (0xffffu - v[i]->priority);
            tmp[count[(key >> (8 * pass)) & 0xff]++] = v[i];
        }
        memcpy(v, tmp, n * sizeof *v);
    }
}

const struct pipe_flow **
emit_sorted_flows(const struct pipe_bridge *pb)
{
    const struct pipe_flow **v = fc_xmalloc((pb->n_flows + 1) * sizeof *v);
    const struct pipe_flow **tmp = fc_xmalloc((pb->n_flows + 1)
                                              * sizeof *tmp);

    for (size_t i = 0; i < pb->n_flows; i++) {
        v[i] = &pb->flows[i];
    }
    radix_sort(v, tmp, pb->n_flows);
    free(tmp);
    return v;
}

void
emit_flow_line(const struct pipe_flow *f, struct strbuf *sb)
{
    strbuf_put(sb, "table=", 6);
    strbuf_put_uint(sb, f->table);
    strbuf_put(sb, ",priority=", 10);
    strbuf_put_uint(sb, f->priority);
    strbuf_put(sb, ",cookie=0x", 10);
    strbuf_put_hex(sb, f->cookie, 16);
    if (*f->match) {
        strbuf_putc(sb, ',');
        strbuf_puts(sb, f->match);
    }
    strbuf_put(sb, " actions=", 9);
    strbuf_puts(sb, f->actions);
}

/* Writes and empties 'sb' once it holds 'min' bytes or more. */
static void
flush(struct strbuf *sb, FILE *stream, size_t min)
{
    if (sb->len >= min) {
        fwrite(strbuf_cstr(sb), 1, sb->len, stream);
        strbuf_clear(sb);
    }
}

void
emit_ofctl(const struct pipe_bridge *pb, FILE *stream)
{
    const struct pipe_flow **v = emit_sorted_flows(pb);
    struct strbuf sb = STRBUF_INIT;
    int table = -1;

    /* The lines are formatted into one buffer written 1 MiB at a time:
     * stdio's fprintf per line was half of a large compile. */
    strbuf_printf(&sb,
                  "# ovs-flowc: OpenFlow tables of bridge %s (%zu flows).\n"
                  "# Load with: ovs-ofctl -O OpenFlow15 --bundle "
                  "replace-flows %s FILE\n"
                  "# and: ovs-ofctl set-frags %s nx-match (or the guards "
                  "drop every first fragment of UDP and ICMPv6)\n",
                  pb->br->name, pb->n_flows, pb->br->name, pb->br->name);
    for (size_t i = 0; i < pb->n_flows; i++) {
        const struct pipe_flow *f = v[i];

        if (f->table != table) {
            table = f->table;
            strbuf_printf(&sb, "\n# --- table %d ---\n", table);
        }
        strbuf_put(&sb, "# rule: ", 8);
        pipe_flow_put_rule_name(pb, f, &sb);
        strbuf_putc(&sb, '\n');
        emit_flow_line(f, &sb);
        strbuf_putc(&sb, '\n');
        flush(&sb, stream, 1 << 20);
    }
    flush(&sb, stream, 0);
    strbuf_destroy(&sb);
    free(v);
}
