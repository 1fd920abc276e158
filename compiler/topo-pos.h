/* SPDX-License-Identifier: Apache-2.0 */
/* topo-pos.h -- finding where JSON pointers lie in the raw topology text.
 *
 * jansson keeps no source positions on values.  Rather than index every
 * value of a possibly huge file, diagnostics carry only their JSON pointer
 * until the end of a stage; then one linear scan of the text (which
 * jansson has already accepted as valid JSON) visits every value, builds
 * its pointer, and fills in line, column and token length for the
 * diagnostics that name it. */
#ifndef TOPO_POS_H
#define TOPO_POS_H 1

#include <stddef.h>

struct diag_list;

/* Fills in line/col/len of every diagnostic in 'diags' that has none yet
 * and whose pointer names a value (or, with at_key, a member key) of the
 * JSON document 'text' of 'len' bytes.  Diagnostics whose pointer is not
 * found point at line 1, column 1.  'text' must be valid JSON. */
void topo_pos_resolve(const char *text, size_t len, struct diag_list *diags);

#endif /* topo-pos.h */
