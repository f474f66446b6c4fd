/* sym.c - kernel and user symbols (being written) */
#include "wisp.h"

const char *ksym_lookup(uint64_t addr, uint64_t *off) { (void)addr; (void)off; return NULL; }
bool ksym_addr(const char *name, uint64_t *addr) { (void)name; (void)addr; return false; }
void ksym_set_path(const char *path) { (void)path; }
const char *usym_lookup(int pid, uint64_t addr, uint64_t *off, const char **file)
{ (void)pid; (void)addr; (void)off; *file = NULL; return NULL; }
void usym_note_pid(int pid) { (void)pid; }
void usym_forget_pid(int pid) { (void)pid; }
