/* output.h - the event shapes output.c prints besides maps and printf, for
 * run.c: each writes bpftrace's text, or its JSON object when out_format is
 * OUT_JSON. A NULL FILE means `out` (stdout when that is NULL too). */
#ifndef OUTPUT_H
#define OUTPUT_H
#include "wisp.h"

/* "Attaching 1 probe...\n" / {"type": "attached_probes", "data": {"probes": N}} */
void out_attached(FILE *f, int nprobes);
/* "Lost N events\n" / {"type": "lost_events", "data": {"events": N}} */
void out_lost(FILE *f, uint64_t n);
/* time(): the text as is / {"type": "time", "data": "..."} */
void out_time(FILE *f, const char *text);
/* print(value): the value and a newline / {"type": "value", "data": ...} */
void out_value(FILE *f, const struct type *t, const uint8_t *data);
/* Text from printf/cat/join/system: as is, or {"type": TYPE, "data": "..."}
 * with type "printf", "cat", "join" or "syscall" (bpftrace's names). */
void out_message(FILE *f, const char *type, const char *text, size_t n);
/* A value as bpftrace's JSON writes it: numbers bare, strings quoted,
 * tuples [1,"two"]. */
void json_val(FILE *f, const struct type *t, const uint8_t *data);

/* printf.c: an integer of size bytes, native order, sign-extended. */
uint64_t load_int(const uint8_t *p, int size, bool sign);
#endif
