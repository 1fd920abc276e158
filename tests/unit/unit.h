/* SPDX-License-Identifier: Apache-2.0 */
/* unit.h -- the CUnit suites of ovs-flowc's unit tests; each test-*.c file
 * registers its suite with one of these, called by unit-main.c. */
#ifndef UNIT_H
#define UNIT_H 1

void test_addr_register(void);      /* lib/addr.c, lib/diag.c, topo-pos.c */
void test_check_register(void);     /* topo-parse.c, topo-check*.c */
void test_pipeline_register(void);  /* model.c, pipe*.c, emit-*.c */
void test_partial_register(void);   /* pipe_options.only_ports */
void test_strbuf_register(void);    /* lib/strbuf*.c */

#endif /* unit.h */
