/* syscalls.c - placeholder: being written (see wisp.h for the interface). */
#include "wisp.h"
int syscall_nr(const char *name) { (void)name; return -1; }
const char *syscall_name(int nr) { (void)nr; return NULL; }
