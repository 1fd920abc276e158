/* SPDX-License-Identifier: Apache-2.0 */
/* diag.h -- user-facing diagnostics with file, line, column and JSON path.
 *
 * Every problem in a topology becomes one `struct diag`.  Stages never stop
 * at the first error: they add to a `struct diag_list` and carry on, and the
 * front end prints the whole list at once, sorted by position, GNU style,
 * with the offending source line and a caret under the fault (the way
 * nftables shows its errors):
 *
 *   lab.json:14:27: error: /bridges/virbr6/ports/vk63/mac: "52:54:00:f2:a4"
 *   is not a MAC address
 *      14 |         "vk63": { "role": "guest", "mac": "52:54:00:f2:a4",
 *         |                                           ^~~~~~~~~~~~~~~~
 *
 * Notes and warnings (e.g. an `allowed_extra` range being granted) use the
 * same machinery but do not make the topology invalid. */
#ifndef DIAG_H
#define DIAG_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>

enum diag_severity {
    DIAG_ERROR,
    DIAG_WARNING,
    DIAG_NOTE,
};

/* One diagnostic. */
struct diag {
    enum diag_severity severity;
    int line;           /* 1-based source line; 0 if unknown. */
    int col;            /* 1-based byte column; 0 if unknown. */
    int len;            /* Length of the faulty token in bytes (>= 1). */
    char *pointer;      /* JSON pointer (RFC 6901), owned; "" for the root. */
    bool at_key;        /* Position is that of the member's key, not its
                         * value (e.g. for an unknown key). */
    char *msg;          /* Message text, owned. */
    size_t seq;         /* Insertion order, to keep sorting stable. */
};

/* A list of diagnostics about one source file. */
struct diag_list {
    char *file;             /* File name used in messages, owned. */
    const char *text;       /* Source text for line echo; not owned; may
                             * be NULL (then no source line is shown). */
    size_t text_len;
    char *owned_text;       /* Owned copy of 'text', if taken over. */
    struct diag *items;     /* Owned array. */
    size_t n, cap;
    size_t n_errors;        /* Number of DIAG_ERROR items. */
    size_t max_errors;      /* Stop recording errors past this (0 = no
                             * limit); a final note says how many were
                             * suppressed. */
    size_t n_suppressed;
};

/* Initializes 'dl' for diagnostics about 'file' (copied). */
void diag_list_init(struct diag_list *dl, const char *file);
/* Frees everything 'dl' owns. */
void diag_list_destroy(struct diag_list *dl);
/* Sets the source text (not copied: must outlive 'dl' or be reset). */
void diag_list_set_text(struct diag_list *dl, const char *text, size_t len);

/* Takes ownership of the malloc'd 'text' and uses it for line echo. */
void diag_list_take_text(struct diag_list *dl, char *text, size_t len);

/* Adds a diagnostic.  'pointer' may be NULL (root).  'len' < 1 means 1. */
void diag_add(struct diag_list *dl, enum diag_severity sev,
              int line, int col, int len, const char *pointer,
              const char *fmt, ...) __attribute__((format(printf, 7, 8)));
void diag_vadd(struct diag_list *dl, enum diag_severity sev,
               int line, int col, int len, const char *pointer,
               const char *fmt, va_list args);

/* Adds a diagnostic about the JSON value (or, with 'at_key', the member
 * key) at 'pointer'; its position is filled in later by
 * topo_pos_resolve(). */
void diag_at(struct diag_list *dl, enum diag_severity sev,
             const char *pointer, bool at_key, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void diag_vat(struct diag_list *dl, enum diag_severity sev,
              const char *pointer, bool at_key, const char *fmt,
              va_list args);

/* True if 'dl' holds at least one error. */
static inline bool
diag_has_errors(const struct diag_list *dl)
{
    return dl->n_errors > 0 || dl->n_suppressed > 0;
}

/* Sorts by line, column, then insertion order. */
void diag_sort(struct diag_list *dl);

/* Prints every diagnostic to 'stream' in GNU style; with 'show_source',
 * each is followed by its source line and a caret line. */
void diag_print(const struct diag_list *dl, FILE *stream, bool show_source);

/* Escapes one JSON-pointer reference token ('~' -> "~0", '/' -> "~1")
 * and appends "/token" to 'base'.  Returns a malloc'd string. */
char *diag_pointer_join(const char *base, const char *token);
char *diag_pointer_index(const char *base, size_t index);

#endif /* diag.h */
