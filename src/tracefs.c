/* tracefs.c - where the tracing file system is, and what its tracepoint
 * `format` files say.
 *
 * A format file looks like this (one field a line, tab separated):
 *
 *   name: sched_switch
 *   ID: 372
 *   format:
 *   	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
 *   	...
 *   	field:char prev_comm[16];	offset:8;	size:16;	signed:0;
 *   	field:__data_loc char[] filename;	offset:8;	size:4;	signed:0;
 *
 *   print fmt: ...
 *
 * The common_* fields are the same for every event and no program asks for
 * them, so they are left out. Offsets and sizes are the kernel's, which is
 * what makes `args->x` work on 32-bit and big-endian kernels alike.
 */
#include "wisp.h"
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define TRACEFS "/sys/kernel/tracing"
#define DEBUGFS "/sys/kernel/debug"
#define DEBUGFS_TRACING DEBUGFS "/tracing"

/* ------------------------------------------------------ finding tracefs */

static const char *need_root(int err)
{
	return err == EPERM || err == EACCES ? " (need root)" : "";
}

/* Is dir a tracing directory? One that is there but closed to us is a
 * reason to stop, not to mount another. */
static bool has_events(const char *dir)
{
	char path[128];
	struct stat st;
	snprintf(path, sizeof(path), "%s/events", dir);
	if (stat(path, &st) == 0)
		return S_ISDIR(st.st_mode);
	if (errno == EACCES || errno == EPERM)
		fatal("cannot read %s: %s%s", dir, strerror(errno), need_root(errno));
	return false;
}

/* Nothing mounted: mount tracefs where it belongs; kernels before 4.1 have
 * no tracefs, and there debugfs carries the tracing directory. */
static const char *mount_tracefs(void)
{
	if (mount("nodev", TRACEFS, "tracefs", 0, NULL) == 0) {
		if (has_events(TRACEFS))
			return TRACEFS;
		fatal("tracefs mounted at " TRACEFS " has no events directory "
		      "(kernel built without CONFIG_EVENT_TRACING?)");
	}
	int err = errno;
	if (err == EPERM || err == EACCES)
		fatal("cannot mount tracefs at " TRACEFS ": %s%s", strerror(err), need_root(err));

	if (mount("nodev", DEBUGFS, "debugfs", 0, NULL) == 0 && has_events(DEBUGFS_TRACING))
		return DEBUGFS_TRACING;
	int err2 = errno;
	fatal("cannot mount tracefs at " TRACEFS " (%s) nor debugfs at " DEBUGFS " (%s)%s",
	      strerror(err), strerror(err2), need_root(err2));
}

const char *tracefs_dir(void)
{
	static const char *dir;
	if (dir)
		return dir;
	/* the unit tests and the fuzzer point this at a fixture of format files */
	const char *env = getenv("WISP_TRACEFS");
	if (env && *env)
		return dir = env;
	if (has_events(TRACEFS))
		dir = TRACEFS;
	else if (has_events(DEBUGFS_TRACING))
		dir = DEBUGFS_TRACING;
	else
		dir = mount_tracefs();
	return dir;
}

/* ------------------------------------------------------ format files */

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* "char", "const char", "signed char": an array of it is a string */
static bool is_char(const char *t)
{
	if (!strncmp(t, "const ", 6))
		t += 6;
	return !strcmp(t, "char") || !strcmp(t, "signed char");
}

/* "const char *", "char*": the type, qualifiers and spaces dropped, is char* */
static bool is_char_ptr(const char *t)
{
	char buf[64];
	int n = 0;
	while (*t && n < (int)sizeof(buf) - 1) {
		if (!strncmp(t, "const", 5) && !isalnum((unsigned char)t[5]) && t[5] != '_')
			t += 5;
		else if (isspace((unsigned char)*t))
			t++;
		else
			buf[n++] = *t++;
	}
	buf[n] = '\0';
	return !strcmp(buf, "char*");
}

/* The value of "key:N" in the attribute part of a field line, or 0. */
static long attr_val(const char *attrs, const char *key)
{
	const char *p = strstr(attrs, key);
	return p ? strtol(p + strlen(key), NULL, 10) : 0;
}

/* The declaration part of a field line: "const char * filename",
 * "char prev_comm[16]", "__data_loc char[] filename". */
static void parse_decl(struct tp_field *f, char *decl)
{
	decl = trim(decl);
	if (!strncmp(decl, "__data_loc ", 11))
		f->data_loc = true;

	char *br = NULL;
	size_t n = strlen(decl);
	if (n && decl[n - 1] == ']' && (br = strrchr(decl, '['))) {
		char *end;
		long len = strtol(br + 1, &end, 10);
		/* a length the kernel left as a symbol: count bytes */
		f->array_len = end != br + 1 && *end == ']' && len > 0 ? (int)len : f->size;
		*br = '\0';
	}

	char *e = decl + strlen(decl), *s = e;
	while (s > decl && (isalnum((unsigned char)s[-1]) || s[-1] == '_'))
		s--;
	f->name = xstrdup(s);
	*s = '\0';
	f->ctype = xstrdup(trim(decl));

	if (f->data_loc)
		f->is_str = strstr(f->ctype, "char[]") != NULL;
	else if (br)
		f->is_str = is_char(f->ctype);
	else if (strchr(f->ctype, '*')) {
		f->is_ptr = true;
		f->is_str = is_char_ptr(f->ctype);
	}
}

/* "field:DECL;\toffset:N;\tsize:N;\tsigned:N;" with "field:" gone.
 * Returns NULL for the common_* fields. */
static struct tp_field *parse_field(char *s)
{
	char *semi = strchr(s, ';');
	if (!semi)
		return NULL;
	*semi = '\0';
	struct tp_field *f = xalloc(sizeof(*f));
	f->off = (int)attr_val(semi + 1, "offset:");
	f->size = (int)attr_val(semi + 1, "size:");
	f->sign = attr_val(semi + 1, "signed:") != 0;
	parse_decl(f, s);
	if (!*f->name || !strncmp(f->name, "common_", 7))
		return NULL;
	return f;
}

struct tp_format *tp_format_parse(const char *text)
{
	struct tp_format *fmt = xalloc(sizeof(*fmt));
	struct vec fields = {0};
	const char *p = text;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *line = trim(xstrndup(p, n));
		p += n + (nl != NULL);

		if (!strncmp(line, "name:", 5)) {
			fmt->name = xstrdup(trim(line + 5));
		} else if (!strncmp(line, "ID:", 3)) {
			fmt->id = atoi(line + 3);
		} else if (!strncmp(line, "field:", 6) || !strncmp(line, "field special:", 14)) {
			struct tp_field *f = parse_field(strchr(line, ':') + 1);
			if (f)
				vec_push(&fields, f);
		} else if (!strncmp(line, "print fmt:", 10)) {
			break;
		}
	}

	fmt->nfields = fields.n;
	fmt->fields = xalloc(fields.n * sizeof(struct tp_field) + 1);
	for (int i = 0; i < fields.n; i++)
		fmt->fields[i] = *(struct tp_field *)fields.v[i];
	return fmt;
}

/* A category or event name that cannot climb out of events/. */
static bool plain_name(const char *s)
{
	return *s && *s != '.' && !strchr(s, '/');
}

/* The whole of a small file whose size stat() does not tell (tracefs says 0). */
static char *read_all(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	for (;;) {
		if (!buf) {
			close(fd);
			errno = ENOMEM;
			return NULL;
		}
		ssize_t r = read(fd, buf + len, cap - len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int err = errno;
			free(buf);
			close(fd);
			errno = err;
			return NULL;
		}
		if (r == 0)
			break;
		len += r;
		if (cap - len < 2) {
			char *nb = realloc(buf, cap *= 2);
			if (!nb)
				free(buf);
			buf = nb;
		}
	}
	close(fd);
	buf[len] = '\0';
	return buf;
}

struct tp_format *tp_format_read(const char *cat, const char *name)
{
	if (!plain_name(cat) || !plain_name(name)) {
		errno = ENOENT;
		return NULL;
	}
	char *path = xprintf("%s/events/%s/%s/format", tracefs_dir(), cat, name);
	char *text = read_all(path);
	if (!text)
		return NULL;
	struct tp_format *fmt = tp_format_parse(text);
	free(text);
	if (fmt->id <= 0) {
		errno = EINVAL;	/* not a format file */
		return NULL;
	}
	fmt->cat = xstrdup(cat);
	fmt->name = xstrdup(name);

	/* Syscall arguments are the caller's registers: their pointers point
	 * into user memory, which needs the user-memory read helpers. */
	if (!strcmp(cat, "syscalls"))
		for (int i = 0; i < fmt->nfields; i++)
			fmt->fields[i].user_ptr = fmt->fields[i].is_ptr;
	return fmt;
}

/* ------------------------------------------------------ listing */

/* Is entry e of directory dir a directory? d_type says so on tracefs;
 * stat() when the file system does not fill it in. */
static bool is_dir(const char *dir, struct dirent *e)
{
	if (e->d_type != DT_UNKNOWN)
		return e->d_type == DT_DIR;
	struct stat st;
	char *path = xprintf("%s/%s", dir, e->d_name);
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Push "cat:name" for each event of one category matching namepat. A
 * category without an `enable` file holds ftrace's own events (ftrace:*),
 * which cannot be enabled, nor used by perf or BPF: not listed, as in
 * available_events. */
static int list_cat(const char *events, const char *cat, const char *namepat, struct vec *out)
{
	char *dir = xprintf("%s/%s", events, cat);
	if (access(xprintf("%s/enable", dir), F_OK) < 0)
		return 0;
	if (!has_wild(namepat)) {
		/* one event: no need to read the whole category */
		struct stat st;
		char *ev = xprintf("%s/%s", dir, namepat);
		if (plain_name(namepat) && stat(ev, &st) == 0 && S_ISDIR(st.st_mode))
			vec_push(out, xprintf("%s:%s", cat, namepat));
		return 0;
	}
	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
	struct dirent *e;
	errno = 0;
	while ((e = readdir(d))) {
		if (e->d_name[0] != '.' && glob_match(namepat, e->d_name) && is_dir(dir, e))
			vec_push(out, xprintf("%s:%s", cat, e->d_name));
		errno = 0;
	}
	int err = errno;
	closedir(d);
	return -err;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Directories only: reading hundreds of format files would make -l and
 * wildcards slow, and the caller reads the few formats it needs. */
int tp_list(const char *catpat, const char *namepat, struct vec *out)
{
	char *events = xprintf("%s/events", tracefs_dir());
	int start = out->n, err = 0;

	if (!has_wild(catpat)) {
		if (plain_name(catpat))
			err = list_cat(events, catpat, namepat, out);
	} else {
		DIR *d = opendir(events);
		if (!d)
			return -errno;
		struct dirent *e;
		errno = 0;
		while ((e = readdir(d))) {
			if (e->d_name[0] != '.' && glob_match(catpat, e->d_name) && is_dir(events, e)) {
				int r = list_cat(events, e->d_name, namepat, out);
				if (r < 0 && !err)
					err = r;
			}
			errno = 0;
		}
		if (errno && !err)
			err = -errno;
		closedir(d);
	}
	if (err < 0)
		return err;
	if (out->n > start)	/* nothing found: out->v may still be NULL */
		qsort(out->v + start, out->n - start, sizeof(void *), cmp_str);
	return out->n - start;
}
