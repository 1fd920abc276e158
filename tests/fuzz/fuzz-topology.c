/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz-topology.c -- the fuzz target: any bytes through parse, check,
 * model, pipeline and the ofctl and JSON emitters.  Built with
 * `-fsanitize=fuzzer` by `make fuzz`; without libFuzzer, fuzz-replay.c
 * supplies a main() that runs it over files (the regression corpus that
 * `make check` replays). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "emit.h"
#include "model.h"
#include "pipe.h"
#include "topo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct diag_list d;
    struct topo *t;

    diag_list_init(&d, "fuzz.json");
    t = topo_parse_buffer("fuzz.json", (const char *) data, size, &d);
    if (t->root && topo_check(t, &d)) {
        struct model *m = model_build(t);
        FILE *null = fopen("/dev/null", "w");
        struct pipe_bridge **pbs = calloc(t->n_bridges + 1, sizeof *pbs);

        for (size_t i = 0; i < t->n_bridges; i++) {
            pbs[i] = pipe_build(m, t->bridges[i], NULL);
            if (null) {
                emit_ofctl(pbs[i], null);
            }
        }
        if (null) {
            emit_json(pbs, t->n_bridges, null);
            fclose(null);
        }
        for (size_t i = 0; i < t->n_bridges; i++) {
            pipe_bridge_destroy(pbs[i]);
        }
        free(pbs);
        model_destroy(m);
    }
    diag_sort(&d);
    FILE *null = fopen("/dev/null", "w");
    if (null) {
        diag_print(&d, null, true);
        fclose(null);
    }
    diag_list_destroy(&d);
    topo_destroy(t);
    return 0;
}
