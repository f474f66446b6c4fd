/* elf.c - placeholder: being written (see wisp.h for the interface). */
#include "wisp.h"
#include <string.h>
struct elf *elf_open(const char *path, char *err, size_t errlen) { (void)path; snprintf(err, errlen, "not yet"); return NULL; }
void elf_close(struct elf *e) { (void)e; }
int elf_machine(const struct elf *e) { (void)e; return 0; }
bool elf_is64(const struct elf *e) { (void)e; return false; }
bool elf_big_endian(const struct elf *e) { (void)e; return false; }
int elf_symbols(struct elf *e, struct vec *out) { (void)e; (void)out; return -1; }
bool elf_vaddr_off(const struct elf *e, uint64_t v, uint64_t *off) { (void)e; (void)v; (void)off; return false; }
int elf_usdt_notes(struct elf *e, struct vec *out) { (void)e; (void)out; return -1; }
const char *elf_find(const char *name, int pid, char *err, size_t errlen) { (void)name; (void)pid; snprintf(err, errlen, "not yet"); return NULL; }
