/* SPDX-License-Identifier: Apache-2.0 */
/* emit.h -- stage 5: writing a bridge's flows out.
 *
 *   ofctl  the file `ovs-ofctl -O OpenFlow15 --bundle replace-flows BR
 *          FILE` loads, a "# rule:" comment line above every flow naming
 *          the topology rule it implements (emit-ofctl.c);
 *   dump   exactly what `ovs-ofctl -O OpenFlow15 dump-flows --names
 *          --no-stats BR` prints once that file is loaded, sorted: every
 *          flow is parsed, encoded as an OpenFlow 1.5 flow mod, decoded
 *          and printed back by libopenvswitch itself, so the text is the
 *          switch's, not an imitation (emit-dump.c);
 *   json   the flow IR, plus the table of rule kinds, for tools
 *          (emit-json.c).
 *
 * Output is deterministic: the same topology gives byte-identical
 * output. */
#ifndef EMIT_H
#define EMIT_H 1

#include <stdbool.h>
#include <stdio.h>

#include "pipe.h"

/* Writes 'pb' as an ovs-ofctl flow file to 'stream'. */
void emit_ofctl(const struct pipe_bridge *pb, FILE *stream);

/* Writes 'pb' in canonical dump-flows form to 'stream': with port names
 * (as `dump-flows --names`) if 'names', else as the flows write them (the
 * numbers of --ofport).  Returns NULL on success, otherwise a malloc'd
 * error message (the caller frees) naming the flow libopenvswitch refused:
 * an internal error of the compiler. */
char *emit_dump(const struct pipe_bridge *pb, FILE *stream, bool names);

/* Writes the bridges 'pbs[0..n)' as one JSON document to 'stream'. */
void emit_json(struct pipe_bridge *const *pbs, size_t n, FILE *stream);

/* Returns the flows of 'pb' in output order: by table, then by descending
 * priority, then in the order the pipeline made them.  The caller frees
 * the array (not the flows). */
const struct pipe_flow **emit_sorted_flows(const struct pipe_bridge *pb);

/* Formats flow 'f' as one ovs-ofctl flow line (no newline) into 'sb'. */
struct strbuf;
void emit_flow_line(const struct pipe_flow *f, struct strbuf *sb);

#endif /* emit.h */
