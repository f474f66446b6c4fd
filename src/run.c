/* run.c - from a compiled program to a running tracer and back.
 *
 *   privileges -> maps -> relocate map loads -> load -> perf buffers
 *   -> "Attaching N probes..." -> BEGIN -> attach -> release the -c child
 *   -> event loop -> detach -> END -> drain -> maps printed -> release
 *
 * The order follows bpftrace where it shows: BEGIN runs before any other
 * probe is attached (so what BEGIN sets up is there when they fire), and
 * the probes are detached before END runs (so END and the final maps see
 * a quiet system). Every kernel object is an fd we hold; cleanup() closes
 * them on every way out, exit() and fatal() included, through atexit.
 *
 * The -c child is forked here too (spawn_child, called by main.c before
 * compiling, so `cpid` is a constant): it waits on a pipe until the probes
 * are attached, and reports a failed exec back through a second pipe.
 */
#include "wisp.h"
#include "compat.h"
#include "output.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

#ifndef ENOTSUPP
#define ENOTSUPP 524	/* the kernel's own, not in userspace errno.h */
#endif

/* options shared by stages (main.c sets them; sema reads opt_cpid) */
bool opt_quiet;
bool opt_dry_run;
int opt_pid;
int opt_cpid;
int opt_perf_pages;	/* 0: pick from the machine's memory */

static struct prog *P;		/* what cleanup() releases */
static struct perfbuf *pb;
static struct vec attached;	/* struct attach *: attached so far */
static uint64_t lost_seen;	/* lost records reported so far */
static int exit_code;
static bool ignoring;		/* exit() was called: records until END are dropped */
static bool exiting;

static volatile sig_atomic_t got_signal, got_sigchld;

/* the -c child */
static pid_t child = -1;
static int child_go = -1;	/* write a byte: exec now; close: give up */
static int child_err = -1;	/* carries errno of a failed exec; EOF on success */
static const char *child_cmd;
static bool child_done;

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void note(const char *fmt, ...)
{
	if (!verbose)
		return;
	FILE *f = eout();
	static struct timespec t0;
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	if (!t0.tv_sec && !t0.tv_nsec)
		t0 = t;
	va_list ap;
	va_start(ap, fmt);
	/* milliseconds since the first note: where the time goes */
	fprintf(f, "wisp: [%.1f ms] ", (t.tv_sec - t0.tv_sec) * 1e3 + (t.tv_nsec - t0.tv_nsec) / 1e6);
	vfprintf(f, fmt, ap);
	fputc('\n', f);
	va_end(ap);
}

/* ------------------------------------------------------------ -c child */

/* Split CMD at blanks, as bpftrace -c does (no shell, no quoting). */
static char **split_words(const char *cmd)
{
	int n = 0;
	char **argv = xalloc((strlen(cmd) / 2 + 2) * sizeof(char *));
	for (const char *p = cmd; *p;) {
		while (*p == ' ' || *p == '\t')
			p++;
		const char *b = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if (p > b)
			argv[n++] = xstrndup(b, p - b);
	}
	argv[n] = NULL;
	return argv;
}

static bool executable(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* The file execvp would run, found now so that a typo is reported before
 * anything is compiled or loaded. */
static const char *resolve(const char *name)
{
	if (strchr(name, '/')) {
		if (!executable(name))
			fatal("cannot run '%s': %s", name,
			      strerror(access(name, F_OK) ? errno : EACCES));
		return name;
	}
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	for (const char *p = path;; p++) {
		const char *e = strchr(p, ':');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char *cand = len ? xprintf("%.*s/%s", (int)len, p, name) : xprintf("./%s", name);
		if (executable(cand))
			return cand;
		if (!e)
			break;
		p = e;
	}
	fatal("cannot run '%s': %s", name, strerror(ENOENT));
}

static void child_main(int go, int err, const char *path, char **argv)
{
	char c;
	ssize_t r;
	do
		r = read(go, &c, 1);
	while (r < 0 && errno == EINTR);
	if (r != 1)
		_exit(0);	/* wisp gave up before attaching: run nothing */
	if (c == 't' && ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0) {
		int no = -1;	/* "not stopped at exec": see release_child */
		ssize_t w = write(err, &no, sizeof(no));
		(void)w;
	}
	execv(path, argv);
	int e = errno;
	ssize_t w = write(err, &e, sizeof(e));	/* nothing to do if this fails */
	(void)w;
	_exit(127);
}

/* -c CMD: fork now, exec once run() has attached. Returns the child's pid. */
int spawn_child(const char *cmd)
{
	char **argv = split_words(cmd);
	if (!argv[0])
		fatal("-c needs a command to run");
	const char *path = resolve(argv[0]);
	int go[2], err[2];
	if (pipe2(go, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0)
		fatal("cannot create a pipe for -c: %s", strerror(errno));
	fflush(NULL);	/* the child must not flush our buffers again */
	pid_t pid = fork();
	if (pid < 0)
		fatal("cannot fork for -c: %s", strerror(errno));
	if (pid == 0) {
		close(go[1]);
		close(err[0]);
		child_main(go[0], err[1], path, argv);
	}
	close(go[0]);
	close(err[1]);
	child = pid;
	child_go = go[1];
	child_err = err[0];
	child_cmd = argv[0];
	note("started '%s' as pid %d, held until the probes are attached", cmd, pid);
	return pid;
}

/* A program that keeps user addresses (ustack, usym) needs the -c
 * child's mappings, and a short command may exit before its first event's
 * pid note is read. So such a child is ptrace'd across its exec: the
 * kernel stops it once the new program is mapped, wisp reads its
 * mappings, and lets it go. */
static bool keeps_user_addrs(struct prog *p)
{
	for (int i = 0; i < p->probes.n; i++)
		if (((struct probe *)p->probes.v[i])->pidnote >= 0)
			return true;
	return false;
}

static void note_child(bool stopped)
{
	int st;
	pid_t r;
	if (stopped) {
		while ((r = waitpid(child, &st, 0)) < 0 && errno == EINTR)
			;
		if (r != child || !WIFSTOPPED(st))
			return;	/* it died instead: the loop reaps it */
	}
	usym_forget_pid(child);	/* wisp's own, from before the exec */
	usym_note_pid(child);
	if (stopped && ptrace(PTRACE_DETACH, child, NULL, NULL) < 0)
		warnx_("cannot let the -c command go on after its exec: %s", strerror(errno));
}

/* Let the child exec; fatal if the exec fails. */
static void release_child(struct prog *p)
{
	if (child_go < 0)
		return;
	bool trace = keeps_user_addrs(p);
	/* the child may have died already (a ^C reaches it too): no SIGPIPE */
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	sigaction(SIGPIPE, &ign, &old);
	ssize_t w = write(child_go, trace ? "t" : "x", 1);
	sigaction(SIGPIPE, &old, NULL);
	close(child_go);
	child_go = -1;
	if (w != 1)
		return;
	/* until the exec closes the pipe: an errno if it failed, -1 first
	 * when PTRACE_TRACEME did (then it runs on without stopping) */
	int e = 0;
	ssize_t r;
	for (;;) {
		do
			r = read(child_err, &e, sizeof(e));
		while (r < 0 && errno == EINTR);
		if (r != (ssize_t)sizeof(e) || e != -1)
			break;
		trace = false;
		note("cannot ptrace the -c command: its mappings are read at its first event");
	}
	close(child_err);
	child_err = -1;
	if (r == (ssize_t)sizeof(e))
		fatal("cannot run '%s': %s", child_cmd, strerror(e));
	if (keeps_user_addrs(p))
		note_child(trace);
}

static void child_reaped(int st)
{
	child_done = true;
	if (WIFEXITED(st))
		note("child exited with code %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		note("child terminated by signal %d", WTERMSIG(st));
}

static bool child_exited(void)
{
	if (child < 0 || child_done)
		return child_done;
	int st;
	if (waitpid(child, &st, WNOHANG) == child)
		child_reaped(st);
	return child_done;
}

/* At the end: a held child is let go (it exits on EOF); a running one is
 * asked to stop, then told. */
static void stop_child(void)
{
	if (child < 0 || child_exited())
		return;
	if (child_go >= 0) {
		close(child_go);
		child_go = -1;
	} else {
		kill(child, SIGTERM);
		for (int i = 0; i < 100 && !child_exited(); i++)
			poll(NULL, 0, 10);
		if (child_done)
			return;
		kill(child, SIGKILL);
	}
	int st;
	pid_t r;
	while ((r = waitpid(child, &st, 0)) < 0 && errno == EINTR)
		;
	if (r == child)
		child_reaped(st);
	child_done = true;
}

/* -p PID: gone once it cannot be signalled or is a zombie. */
static bool pid_gone(void)
{
	if (opt_pid <= 0)
		return false;
	if (kill(opt_pid, 0) < 0 && errno == ESRCH)
		return true;
	char path[64], buf[256];
	snprintf(path, sizeof(path), "/proc/%d/stat", opt_pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	char *p = strrchr(buf, ')');	/* comm may hold anything */
	return p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X');
}

/* ------------------------------------------------------------ cleanup */

/* Probes are gone before END runs, as in bpftrace. Closing a classic
 * tracepoint's perf event takes the kernel 25-100 ms, so provider.c closes
 * many from a few threads at once. */
static void detach_all(void)
{
	if (!attached.n)
		return;
	note("detaching %d probe%s", attached.n, attached.n == 1 ? "" : "s");
	provider_detach_all(&attached);
	note("detached");
	attached.n = 0;
}

/* Everything run() made, released; safe to call more than once. */
static void cleanup(void)
{
	detach_all();
	if (P) {
		for (int i = 0; i < P->probes.n; i++) {
			struct probe *pr = P->probes.v[i];
			for (int j = 0; j < pr->progs.n; j++) {
				struct bpfprog *bp = pr->progs.v[j];
				if (bp->fd >= 0)
					close(bp->fd);
				bp->fd = -1;
			}
		}
	}
	if (pb) {
		perfbuf_close(pb);
		pb = NULL;
	}
	if (P) {
		for (int i = 0; i < P->maps.n; i++) {
			struct map *m = P->maps.v[i];
			if (m->fd >= 0 && m != P->events)
				close(m->fd);
			m->fd = -1;
		}
		if (P->events && P->events->fd >= 0)
			close(P->events->fd);
		if (P->events)
			P->events->fd = -1;
	}
	stop_child();
	if (out)
		fflush(out);
}

/* From here on cleanup() owns p's kernel objects: none exists yet. */
static void adopt(struct prog *p)
{
	for (int i = 0; i < p->maps.n; i++)
		((struct map *)p->maps.v[i])->fd = -1;
	if (p->events)
		p->events->fd = -1;
	for (int i = 0; i < p->probes.n; i++) {
		struct probe *pr = p->probes.v[i];
		for (int j = 0; j < pr->progs.n; j++)
			((struct bpfprog *)pr->progs.v[j])->fd = -1;
	}
	P = p;
}

static void on_signal(int sig)
{
	if (sig == SIGCHLD)
		got_sigchld = 1;
	else
		got_signal = 1;
}

/* SA_RESTART keeps a write to a slow pipe from failing with EINTR; poll()
 * is never restarted (signal(7)), so the loop still wakes and sees the flag. */
static void catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
}

/* strftime() gets nsecs, a CLOCK_MONOTONIC time: printf.c adds this to
 * make it wall-clock time. */
static void set_tstamp_offset(void)
{
	struct timespec mono, real;
	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &real);
	tstamp_offset = (int64_t)(real.tv_sec - mono.tv_sec) * 1000000000 +
			(real.tv_nsec - mono.tv_nsec);
}

/* ---------------------------------------------------------- privileges */

/* CapEff from /proc/self/status; all ones when it cannot be read, so the
 * kernel has the last word. */
static uint64_t cap_effective(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	unsigned long long caps = ~0ULL;
	if (!f)
		return caps;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "CapEff:", 7)) {
			caps = strtoull(line + 7, NULL, 16);
			break;
		}
	fclose(f);
	return caps;
}

static void check_privileges(void)
{
	enum { SYS_ADMIN = 21, PERFMON = 38, BPF = 39 };
	uint64_t c = cap_effective();
	bool admin = c >> SYS_ADMIN & 1;
	bool bpf_perfmon = (c >> BPF & 1) && (c >> PERFMON & 1);
	if (!admin && !bpf_perfmon)
		fatal("tracing needs CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN: run as root");
}

/* Kernels before 5.11 charge maps and programs to RLIMIT_MEMLOCK; later
 * ones to the memory cgroup, so failing here is harmless there. */
static void raise_memlock(void)
{
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	if (setrlimit(RLIMIT_MEMLOCK, &rl) == 0)
		return;
	int e = errno;
	if (getrlimit(RLIMIT_MEMLOCK, &rl) == 0 && rl.rlim_cur != rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_MEMLOCK, &rl);
	}
	note("cannot raise RLIMIT_MEMLOCK: %s (only kernels before 5.11 need it)", strerror(e));
}

/* ---------------------------------------------------------------- maps */

/* "@m" -> "m", "@" -> "_" (bpf.c makes the rest of the name legal) */
static const char *kernel_name(const char *name)
{
	if (name[0] == '@')
		name++;
	return *name ? name : "_";
}

static void map_failed(const char *what, int err)
{
	if (err == -EPERM)
		fatal("cannot create %s: %s (needs CAP_BPF or CAP_SYS_ADMIN; on kernels before "
		      "5.11 also enough RLIMIT_MEMLOCK)", what, strerror(-err));
	if (err == -ENOMEM || err == -E2BIG)
		fatal("cannot create %s: %s (too large for this machine?)", what, strerror(-err));
	fatal("cannot create %s: %s", what, strerror(-err));
}

/* Does a perf_event program (interval, profile, software) use map id?
 * Those run in NMI context, where the kernel insists on preallocated maps. */
static bool used_in_nmi(struct prog *p, int id)
{
	for (int i = 0; i < p->probes.n; i++) {
		struct probe *pr = p->probes.v[i];
		for (int j = 0; j < pr->progs.n; j++) {
			struct bpfprog *bp = pr->progs.v[j];
			if (bp->type != BPF_PROG_TYPE_PERF_EVENT)
				continue;
			for (int k = 0; k < bp->a.n; k++) {
				struct bpf_insn *in = &bp->a.insn[k];
				if (in->code == (BPF_LD | BPF_IMM | BPF_DW) &&
				    in->src_reg == BPF_PSEUDO_MAP_FD && in->imm == id)
					return true;
			}
		}
	}
	return false;
}

/* Hash maps are not preallocated unless a perf_event program needs it:
 * creating a preallocated 4096-entry map takes 0.3-0.5 ms and holds its
 * full size in kernel memory from the start, which a router feels. */
static void create_map(struct prog *p, struct map *m)
{
	enum bpf_map_type type = m->percpu ? BPF_MAP_TYPE_PERCPU_HASH : BPF_MAP_TYPE_HASH;
	int key_size = m->key_size, max = m->max_entries;
	uint32_t flags = used_in_nmi(p, m->id) ? 0 : BPF_F_NO_PREALLOC;
	if (m->scratch) {
		type = BPF_MAP_TYPE_PERCPU_ARRAY;
		key_size = 4;
		max = 1;
		flags = 0;
	}
	if (m->syscalls) {
		type = BPF_MAP_TYPE_ARRAY;
		flags = 0;
	}
	if (m->stack) {
		/* preallocated by the kernel: entries * (frames * 8 + ~24 bytes) */
		type = BPF_MAP_TYPE_STACK_TRACE;
		key_size = 4;
		flags = 0;
	}
	int fd = bpf_map_create(type, key_size, m->val_size, max, flags, kernel_name(m->name));
	if (fd < 0)
		map_failed(xprintf("map %s", m->name), fd);
	m->fd = fd;
	note("created map %s (fd %d): key %d, value %d bytes%s, %d entries", m->name, fd,
	     key_size, m->val_size, m->percpu ? " per CPU" : "", max);
}

static void create_maps(struct prog *p)
{
	for (int i = 0; i < p->maps.n; i++)
		if (p->maps.v[i] != p->events)
			create_map(p, p->maps.v[i]);
	if (!p->events)
		return;
	int ncpus = ncpus_possible();
	if (ncpus <= 0)
		fatal("cannot count the possible CPUs: %s", strerror(ncpus ? -ncpus : EINVAL));
	int fd = bpf_map_create(BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, ncpus, 0, "events");
	if (fd < 0)
		map_failed("the perf event array", fd);
	p->events->fd = fd;
}

/* codegen loads a map as its id (index in p->maps; the event array's id
 * is p->maps.n); the kernel wants the fd. */
static int map_fd_of(struct prog *p, int id)
{
	if (p->events && p->events->id == id)
		return p->events->fd;
	for (int i = 0; i < p->maps.n; i++) {
		struct map *m = p->maps.v[i];
		if (m->id == id)
			return m->fd;
	}
	return -1;
}

static void relocate(struct prog *p, struct bpfprog *bp)
{
	Asm *a = &bp->a;
	for (int i = 0; i + 1 < a->n; i++) {
		struct bpf_insn *in = &a->insn[i];
		if (in->code != (BPF_LD | BPF_DW | BPF_IMM))
			continue;
		if (in->src_reg == BPF_PSEUDO_MAP_FD) {
			int fd = map_fd_of(p, in->imm);
			if (fd < 0)
				fatal("internal error: instruction %d loads unknown map %d", i, in->imm);
			in->imm = fd;
		}
		i++;	/* the second half of the wide load */
	}
}

/* ------------------------------------------------------------- loading */

/* How a program is called in messages: its attach point when it was made
 * for one, else the probe as written. */
const char *prog_title(struct bpfprog *bp)
{
	struct probe *pr = bp->probe;
	if (bp->attach && (pr->per_attach || pr->attaches.n == 1))
		return bp->attach->name;
	const char *s = "";
	for (int i = 0; i < pr->node->nspecs; i++)
		s = xprintf("%s%s%s", s, i ? "," : "", pr->node->specs[i].text);
	return s;
}

/* The kernel's program name: the last part of the attach point. */
static const char *prog_kname(struct bpfprog *bp)
{
	const char *s = bp->attach ? bp->attach->name : bp->probe->prov->name;
	const char *c = strrchr(s, ':');
	return c && c[1] ? c + 1 : s;
}

static bool insn_line(const char *l, int *idx)
{
	char *end;
	long v = strtol(l, &end, 10);
	if (end == l || end[0] != ':' || end[1] != ' ' || end[2] != '(')
		return false;
	*idx = (int)v;
	return true;
}

static bool noise_line(const char *l)
{
	return !*l || !strncmp(l, "processed ", 10) || !strncmp(l, "verification time", 17) ||
	       !strncmp(l, "stack depth", 11) || !strncmp(l, "max_states", 10);
}

/* Split the log into lines (in place); returns how many. */
static int log_lines(char *log, char ***lines)
{
	int n = 0, cap = 64;
	char **v = malloc(cap * sizeof(*v));
	for (char *p = log; v && *p;) {
		char *e = strchr(p, '\n');
		if (e)
			*e = '\0';
		if (n == cap) {
			char **nv = realloc(v, 2 * cap * sizeof(*v));
			if (!nv)
				break;
			v = nv;
			cap *= 2;
		}
		v[n++] = p;
		if (!e)
			break;
		p = e + 1;
	}
	*lines = v;
	return v ? n : 0;
}

/* error_at's report, without its exit: the verifier's log follows it. */
static void report_at(struct loc at, const char *title, const char *reason)
{
	jmp_buf jb;
	jmp_buf *volatile saved = error_jmp;
	error_jmp = &jb;
	if (!setjmp(jb))
		error_at(at, "the kernel's verifier rejected probe %s: %s", title, reason);
	error_jmp = saved;
}

/* "file:line:col: error: the kernel's verifier rejected probe P: REASON",
 * the program line with a caret under what the failing instruction was
 * generated for, then the end of the verifier's log. Exits. */
static _Noreturn void verifier_error(struct bpfprog *bp, char *log)
{
	char **l;
	int n = log_lines(log, &l), last = -1, insn = -1;
	for (int i = 0; i < n; i++)
		if (insn_line(l[i], &insn))
			last = i;
	/* the reason: the last line after the failing instruction that is
	 * not the verifier's statistics */
	const char *reason = NULL;
	for (int i = n - 1; i > last; i--)
		if (!noise_line(l[i])) {
			reason = l[i];
			break;
		}
	for (int i = n - 1; !reason && i >= 0; i--)
		if (!noise_line(l[i]) && !insn_line(l[i], &(int){ 0 }))
			reason = l[i];
	if (!reason)
		reason = "no reason given";

	struct loc at = bp->probe->node->loc;
	if (last >= 0 && insn >= 0 && insn < bp->a.n && bp->a.iloc[insn].len > 0)
		at = bp->a.iloc[insn];

	report_at(at, prog_title(bp), reason);
	FILE *f = eout();
	int from = n > 12 ? n - 12 : 0;
	for (int i = from; i < n; i++)
		if (*l[i])
			fprintf(f, "    %s\n", l[i]);
	free(l);
	exit(1);
}

static _Noreturn void load_failed(struct bpfprog *bp, int err, char *log)
{
	const char *t = prog_title(bp);
	if (log && *log && err != -ENOTSUPP)
		verifier_error(bp, log);
	switch (-err) {
	case EPERM:
		fatal("the kernel refused probe %s: %s (needs CAP_BPF and CAP_PERFMON, or "
		      "CAP_SYS_ADMIN; before 5.11 also RLIMIT_MEMLOCK)", t, strerror(EPERM));
	case E2BIG:
		fatal("probe %s is too large for this kernel (%d instructions)", t, bp->a.n);
	case EINVAL:
		fatal("the kernel cannot load probe %s: %s (a program type or instruction "
		      "this kernel does not know?)", t, strerror(EINVAL));
	case ENOTSUPP:
		fatal("the kernel cannot compile probe %s (error 524, ENOTSUPP): its JIT lacks "
		      "an instruction wisp used (atomics on arm32?)", t);
	default:
		fatal("cannot load probe %s: %s", t, strerror(-err));
	}
}

/* A raw tracepoint the kernel refuses becomes a classic one: the same
 * instructions serve both. */
static void unraw(struct bpfprog *bp)
{
	bp->type = BPF_PROG_TYPE_TRACEPOINT;
	for (int i = 0; i < bp->probe->attaches.n; i++) {
		struct attach *a = bp->probe->attaches.v[i];
		if (bp->probe->progs.v[a->prog] == bp)
			a->raw = false;
	}
}

/* Kernels before 5.5 have only bpf_probe_read and bpf_probe_read_str,
 * which read user and kernel memory alike (on the architectures where the
 * two share an address space, which is all of wisp's but s390): the
 * _kernel/_user helpers are rewritten to them when the kernel lacks those.
 * WISP_OLD_HELPERS=1 forces it, so tests can run the old path. */
static bool have_probe_read_kernel(enum bpf_prog_type type)
{
	static int known[64];
	if (getenv("WISP_OLD_HELPERS") && !strcmp(getenv("WISP_OLD_HELPERS"), "1"))
		return false;
	if (type >= 64 || type == BPF_PROG_TYPE_TRACING)
		return true;	/* tracing programs came after the helpers */
	if (!known[type]) {
		/* r1 = r10 - 8; r2 = 8; r3 = 0; call probe_read_kernel; exit */
		struct bpf_insn t[] = {
			{ .code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = R1, .src_reg = R10 },
			{ .code = BPF_ALU64 | BPF_ADD | BPF_K, .dst_reg = R1, .imm = -8 },
			{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = R2, .imm = 8 },
			{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = R3, .imm = 0 },
			{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_probe_read_kernel },
			{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = R0, .imm = 0 },
			{ .code = BPF_JMP | BPF_EXIT },
		};
		int fd = bpf_prog_load(type, t, 7, "wisp_probe", NULL, 0, NULL);
		known[type] = fd >= 0 ? 1 : 2;
		if (fd >= 0)
			close(fd);
		else
			note("no bpf_probe_read_kernel here (%s): using bpf_probe_read", strerror(-fd));
	}
	return known[type] == 1;
}

static void old_helpers(struct bpfprog *bp)
{
	if (have_probe_read_kernel(bp->type))
		return;
	for (int i = 0; i < bp->a.n; i++) {
		struct bpf_insn *in = &bp->a.insn[i];
		if (in->code != (BPF_JMP | BPF_CALL) || in->src_reg)
			continue;
		if (in->imm == BPF_FUNC_probe_read_kernel || in->imm == BPF_FUNC_probe_read_user)
			in->imm = BPF_FUNC_probe_read;
		else if (in->imm == BPF_FUNC_probe_read_kernel_str ||
			 in->imm == BPF_FUNC_probe_read_user_str)
			in->imm = BPF_FUNC_probe_read_str;
	}
}

/* A kfunc program the kernel refuses: say why in words a user can act on. */
static void tracing_refused(struct bpfprog *bp, int err)
{
	if (bp->type != BPF_PROG_TYPE_TRACING)
		return;
	const char *t = prog_title(bp);
	if (err == -EPERM || err == -ENOTSUPP || err == -EOPNOTSUPP || err == -EINVAL)
		error_at(bp->attach->loc, "the kernel refused %s: %s: this kernel does not allow "
			 "fentry/fexit programs (kfunc:); use kprobe:%s instead", t,
			 err == -ENOTSUPP ? "not supported (no BPF trampoline on this architecture?)"
					  : strerror(-err), bp->attach->func ? bp->attach->func : "...");
}

/* The fast way first (no log); on failure again with a log to explain. */
static void load_prog(struct bpfprog *bp)
{
	const char *name = prog_kname(bp);
	const struct attach *tr = bp->type == BPF_PROG_TYPE_TRACING ? bp->attach : NULL;
	old_helpers(bp);
	int fd = bpf_prog_load(bp->type, bp->a.insn, bp->a.n, name, NULL, 0, tr);
	if (fd < 0 && bp->type == BPF_PROG_TYPE_RAW_TRACEPOINT && bp->probe->prov == &prov_tracepoint) {
		note("raw tracepoints refused (%s): using classic ones", strerror(-fd));
		unraw(bp);
		fd = bpf_prog_load(bp->type, bp->a.insn, bp->a.n, name, NULL, 0, tr);
	}
	if (fd < 0 && fd != -EACCES)
		tracing_refused(bp, fd);
	if (fd >= 0) {
		bp->fd = fd;
		return;
	}
	int err = fd;
	char *log = NULL;
	for (size_t size = 256 << 10; size <= 16 << 20; size *= 4) {
		free(log);
		log = malloc(size);
		if (!log)
			break;
		fd = bpf_prog_load(bp->type, bp->a.insn, bp->a.n, name, log, size, tr);
		if (fd >= 0) {	/* it loads with a log: take it */
			free(log);
			bp->fd = fd;
			return;
		}
		if (fd != -ENOSPC)
			break;
	}
	load_failed(bp, err, log);
}

static void load_all(struct prog *p)
{
	for (int i = 0; i < p->probes.n; i++) {
		struct probe *pr = p->probes.v[i];
		for (int j = 0; j < pr->progs.n; j++) {
			struct bpfprog *bp = pr->progs.v[j];
			relocate(p, bp);
			load_prog(bp);
			note("loaded %s: %d instructions (fd %d)", prog_title(bp), bp->a.n, bp->fd);
		}
	}
}

/* ------------------------------------------------------------ map data */

static int value_stride(const struct map *m)
{
	return (m->val_size + 7) & ~7;
}

/* Every key now in the map (malloc'd, key_size each). Deleting while
 * walking would restart the walk, so callers collect first. */
static int map_keys(struct map *m, uint8_t **keys)
{
	int n = 0, cap = 16, ks = m->key_size;
	uint8_t *k = malloc(cap * ks);
	while (k) {
		if (n == cap) {
			uint8_t *nk = realloc(k, 2 * cap * ks);
			if (!nk)
				break;
			k = nk;
			cap *= 2;
		}
		if (bpf_map_next_key(m->fd, n ? k + (n - 1) * ks : NULL, k + n * ks) < 0)
			break;
		/* a key deleted under us restarts the walk; a map cannot
		 * hold more than max_entries, so stop there */
		if (++n >= m->max_entries)
			break;
	}
	*keys = k;
	return k ? n : 0;
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

/* min/max: { s64 value; u64 set; } per CPU, the extreme of the CPUs that
 * saw a value. */
static void fold_minmax(const struct map *m, uint8_t *dst, const uint8_t *src, int ncpu)
{
	bool max = m->val->kind == TY_MAX, sign = m->val->sign, any = false;
	uint64_t best = 0;
	for (int c = 0; c < ncpu; c++) {
		const uint8_t *v = src + c * value_stride(m);
		if (!get64(v + 8))
			continue;
		uint64_t x = get64(v);
		bool better = sign ? (max ? (int64_t)x > (int64_t)best : (int64_t)x < (int64_t)best)
				   : (max ? x > best : x < best);
		if (!any || better)
			best = x;
		any = true;
	}
	put64(dst, best);
	put64(dst + 8, any);
}

/* One value out of the per-CPU values, in the single-CPU layout. */
static void fold(const struct map *m, uint8_t *dst, const uint8_t *src, int ncpu)
{
	int words = 1;
	switch (m->val->kind) {
	case TY_MIN:
	case TY_MAX:
		fold_minmax(m, dst, src, ncpu);
		return;
	case TY_AVG:
	case TY_STATS:
		words = 2;
		/* fallthrough */
	case TY_COUNT:
	case TY_SUM:
	case TY_HIST:
	case TY_LHIST:
		for (int w = 0; w < words; w++) {
			uint64_t s = 0;
			for (int c = 0; c < ncpu; c++)
				s += get64(src + c * value_stride(m) + 8 * w);
			put64(dst + 8 * w, s);
		}
		return;
	default:
		memcpy(dst, src, m->val_size);	/* not an aggregation: CPU 0's */
	}
}

/* The map's entries, values summed over CPUs. One malloc'd block holds
 * everything; free(*e) releases it. */
static int map_read(struct map *m, struct entry **e)
{
	uint8_t *keys;
	int n = map_keys(m, &keys);
	int ncpu = m->percpu ? ncpus_possible() : 1;
	if (ncpu <= 0)
		ncpu = 1;
	/* values and keys at 8-byte boundaries, so output.c may read u64s */
	size_t ks = m->key_size, ks8 = (ks + 7) & ~7, vs = (m->val_size + 7) & ~7;
	uint8_t *raw = malloc(ncpu * vs + 8);
	struct entry *ent = malloc(n * (sizeof(*ent) + ks8 + vs) + 8);
	if (!keys || !raw || !ent) {
		free(keys);
		free(raw);
		free(ent);
		fatal("out of memory reading map %s", m->name);
	}
	uint8_t *data = (uint8_t *)ent + ((n * sizeof(*ent) + 7) & ~7);
	int got = 0;
	for (int i = 0; i < n; i++) {
		if (bpf_map_lookup(m->fd, keys + i * ks, raw) < 0)
			continue;	/* deleted meanwhile */
		struct entry *x = &ent[got++];
		x->val = data;
		x->key = data + vs;
		data += vs + ks8;
		memcpy(x->key, keys + i * ks, ks);
		if (m->percpu)
			fold(m, x->val, raw, ncpu);
		else
			memcpy(x->val, raw, m->val_size);
	}
	free(keys);
	free(raw);
	*e = ent;
	return got;
}

static void map_clear(struct map *m)
{
	uint8_t *keys;
	int n = map_keys(m, &keys);
	for (int i = 0; i < n; i++)
		bpf_map_delete(m->fd, keys + i * m->key_size);
	free(keys);
}

static void map_zero(struct map *m)
{
	uint8_t *keys;
	int n = map_keys(m, &keys);
	int ncpu = m->percpu ? ncpus_possible() : 1;
	uint8_t *zero = calloc(ncpu > 0 ? ncpu : 1, value_stride(m));
	for (int i = 0; zero && i < n; i++)
		bpf_map_update(m->fd, keys + i * m->key_size, zero, BPF_EXIST);
	free(zero);
	free(keys);
}

static void print_map(struct map *m, int64_t top, int64_t div, bool skip_empty)
{
	struct entry *e;
	int n = map_read(m, &e);
	if (n || !skip_empty)
		map_print(out, m, e, n, top, div);
	free(e);
}

/* ------------------------------------------------------------- actions */

/* printf-formatted text of an action into a malloc'd buffer */
static char *format(const struct action *a, const uint8_t *rec, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	if (!f)
		fatal("out of memory");
	fmt_print(f, a->fmt, a->types, a->offs, a->nargs, rec);
	fclose(f);
	return buf;
}

/* Everything read from a stream, malloc'd. */
static char *slurp(FILE *in, size_t *len)
{
	char *buf = NULL, chunk[4096];
	FILE *m = open_memstream(&buf, len);
	if (!m)
		fatal("out of memory");
	size_t r;
	while ((r = fread(chunk, 1, sizeof(chunk), in)) > 0)
		fwrite(chunk, 1, r, m);
	fclose(m);
	return buf;
}

/* cat(): the file's content as it is */
static void do_cat(const struct action *a, const uint8_t *rec)
{
	size_t n, len;
	char *name = format(a, rec, &n);
	FILE *f = fopen(name, "re");
	if (!f) {
		warnx_("cat: cannot open '%s': %s", name, strerror(errno));
		free(name);
		return;
	}
	char *text = slurp(f, &len);
	fclose(f);
	out_message(out, "cat", text, len);
	free(text);
	free(name);
}

/* system(): through /bin/sh, its output captured into ours */
static void do_system(const struct action *a, const uint8_t *rec)
{
	size_t n, len;
	char *cmd = format(a, rec, &n);
	fflush(out);
	FILE *f = popen(cmd, "re");
	if (!f) {
		warnx_("system: cannot run '%s': %s", cmd, strerror(errno));
		free(cmd);
		return;
	}
	char *text = slurp(f, &len);
	pclose(f);
	out_message(out, "syscall", text, len);
	free(text);
	free(cmd);
}

/* join(): the leading non-empty strings, delimited; a newline ends the
 * text (not the JSON string, as in bpftrace) */
static void do_join(const struct action *a, const uint8_t *rec)
{
	const struct type *t = a->types[0];
	const char *delim = a->fmt ? a->fmt : " ";
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		fatal("out of memory");
	int n = t->kind == TY_TUPLE ? t->nelems : 1;
	for (int i = 0; i < n; i++) {
		const struct type *e = t->kind == TY_TUPLE ? t->elems[i] : t;
		const char *s = (const char *)rec + a->offs[0] + (t->kind == TY_TUPLE ? t->offs[i] : 0);
		size_t sl = strnlen(s, e->size);
		if (!sl)
			break;
		fprintf(f, "%s%.*s", i ? delim : "", (int)sl, s);
	}
	if (out_format == OUT_TEXT)
		fputc('\n', f);
	fclose(f);
	out_message(out, "join", buf, len);
	free(buf);
}

static void do_time(const struct action *a)
{
	char buf[512];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	size_t n = strftime(buf, sizeof(buf), a->fmt ? a->fmt : "%H:%M:%S\n", &tm);
	buf[n] = '\0';
	out_time(out, buf);
}

static void dispatch(const struct action *a, const uint8_t *rec)
{
	switch (a->kind) {
	case A_PRINTF: {
		size_t n;
		char *text = format(a, rec, &n);
		out_message(out, "printf", text, n);
		free(text);
		break;
	}
	case A_PRINT_MAP:
		print_map(a->map, a->top, a->div, false);
		break;
	case A_PRINT_VAL:
		out_value(out, a->types[0], rec + a->offs[0]);
		break;
	case A_CLEAR:
		map_clear(a->map);
		break;
	case A_ZERO:
		map_zero(a->map);
		break;
	case A_EXIT:
		exit_code = a->nargs ? (int)load_int(rec + a->offs[0], a->types[0]->size,
						     a->types[0]->sign) : 0;
		exiting = ignoring = true;
		break;
	case A_TIME:
		do_time(a);
		break;
	case A_CAT:
		do_cat(a, rec);
		break;
	case A_SYSTEM:
		do_system(a, rec);
		break;
	case A_JOIN:
		do_join(a, rec);
		break;
	case A_PIDNOTE:
		usym_note_pid((int)load_int(rec + a->offs[0], 8, false));
		break;
	}
}

/* One perf record: u64 action id, then the action's arguments. The ring
 * hands out records at 4 mod 8, so each is copied to aligned memory. */
static void on_record(void *ctx, const void *data, int size)
{
	static uint64_t *buf;
	static int cap;
	struct prog *p = ctx;
	if (ignoring || size < 8)
		return;
	if (size > cap) {
		int ncap = (size + 7) & ~7;
		uint64_t *nb = realloc(buf, ncap);
		if (!nb)
			fatal("out of memory");
		buf = nb;
		cap = ncap;
	}
	memcpy(buf, data, size);
	uint64_t id = buf[0];
	if (id >= (uint64_t)p->actions.n) {
		warnx_("a record names action %llu, which does not exist", (unsigned long long)id);
		return;
	}
	struct action *a = p->actions.v[id];
	if (size < a->size) {
		warnx_("a record of %d bytes is too short for its action (%d)", size, a->size);
		return;
	}
	dispatch(a, (const uint8_t *)buf);
}

/* ----------------------------------------------------------- the loop */

static void report_lost(void)
{
	if (!pb)
		return;
	uint64_t lost = perfbuf_lost(pb);
	if (lost > lost_seen) {
		out_lost(out, lost - lost_seen);
		lost_seen = lost;
	}
}

/* Hand out whatever is in the buffers now. */
static void drain(struct prog *p)
{
	if (!pb)
		return;
	for (int i = 0; i < 1000; i++) {
		int r = perfbuf_poll(pb, 0, on_record, p);
		if (r == -EINTR)
			continue;
		if (r <= 0)
			break;
	}
	report_lost();
	fflush(out);
}

static bool should_stop(void)
{
	if (got_signal || exiting)
		return true;
	if (got_sigchld) {
		got_sigchld = 0;
		if (child_exited())
			return true;
	}
	return child_exited() || pid_gone();
}

/* Records are read at least every 100 ms (the buffers wake us only at a
 * quarter full, so that busy probes cost few wake-ups); signals cut the
 * wait short, and -p is looked at as often. */
static void loop(struct prog *p)
{
	while (!should_stop()) {
		if (!pb) {
			poll(NULL, 0, 100);
			continue;
		}
		int r = perfbuf_poll(pb, 100, on_record, p);
		if (r < 0 && r != -EINTR)
			fatal("reading the perf buffers: %s", strerror(-r));
		report_lost();
		fflush(out);
	}
}

/* ------------------------------------------------------------ probes */

static bool special(const struct probe *pr)
{
	return pr->prov == &prov_begin || pr->prov == &prov_end;
}

/* bpftrace's count: every attach point, BEGIN and END included. */
static int count_attaches(struct prog *p)
{
	int n = 0;
	for (int i = 0; i < p->probes.n; i++) {
		struct probe *pr = p->probes.v[i];
		n += pr->attaches.n ? pr->attaches.n : special(pr);
	}
	return n;
}

/* BEGIN or END: each program run once, here, on this CPU. */
static void run_special(struct prog *p, const struct provider *which)
{
	static uint64_t ctx[8];
	for (int i = 0; i < p->probes.n; i++) {
		struct probe *pr = p->probes.v[i];
		if (pr->prov != which)
			continue;
		for (int j = 0; j < pr->progs.n; j++) {
			struct bpfprog *bp = pr->progs.v[j];
			memset(ctx, 0, sizeof(ctx));
			int r = bpf_prog_test_run(bp->fd, ctx, sizeof(ctx));
			if (r < 0)
				fatal("cannot run %s: %s%s", which->name, strerror(-r),
				      r == -EINVAL || r == -ENOTSUPP
					      ? " (running BEGIN/END needs Linux 5.10 or later)" : "");
		}
	}
}

static struct bpfprog *prog_of(struct attach *a)
{
	struct vec *v = &a->probe->progs;
	if (a->prog < 0 || a->prog >= v->n)
		fatal("internal error: %s has no program", a->name);
	return v->v[a->prog];
}

/* Attach everything; a failure (the provider said why) undoes it all. */
static void attach_all(struct prog *p)
{
	for (int i = 0; i < p->probes.n; i++) {
		struct probe *pr = p->probes.v[i];
		if (special(pr))
			continue;
		int done = 0;
		for (int j = 0; j < pr->attaches.n; j++) {
			if (got_signal)
				return;
			struct attach *a = pr->attaches.v[j];
			int r = pr->prov->attach(a, prog_of(a)->fd);
			if (r < 0 && a->raw) {
				/* no raw tracepoint of that name: reload as classic (the
				 * raw attachments made so far keep their reference) */
				struct bpfprog *bp = prog_of(a);
				note("no raw tracepoint %s (%s): using the classic one",
				     a->fmt->name, strerror(-r));
				close(bp->fd);
				bp->fd = -1;
				unraw(bp);
				load_prog(bp);
				r = pr->prov->attach(a, bp->fd);
			}
			if (r < 0)
				exit(1);	/* cleanup() detaches what was made */
			if (r > 0)
				continue;	/* an optional match, skipped with a warning */
			vec_push(&attached, a);
			done++;
		}
		if (!done && pr->attaches.n)
			error_at(((struct attach *)pr->attaches.v[0])->loc,
				 "no attach point of probe %s could be attached", prog_title(pr->progs.v[0]));
	}
	note("attached %d probe%s", attached.n, attached.n == 1 ? "" : "s");
}

static int perf_pages(void)
{
	int pages = opt_perf_pages;
	if (pages <= 0) {
		/* 64 pages a CPU, like bpftrace, but at most 1/256 of the memory */
		long psz = sysconf(_SC_PAGESIZE), phys = sysconf(_SC_PHYS_PAGES);
		int ncpu = ncpus_possible() > 0 ? ncpus_possible() : 1;
		pages = 64;
		while (pages > 4 && phys > 0 &&
		       (long long)ncpu * pages * psz > (long long)phys * psz / 256)
			pages /= 2;
	}
	int p2 = 1;
	while (p2 * 2 <= pages)
		p2 *= 2;
	return p2;
}

static void open_perfbuf(struct prog *p)
{
	if (!p->events)
		return;
	int pages = perf_pages();
	int watermark = pages * (int)sysconf(_SC_PAGESIZE) / 4;
	/* A program that keeps user addresses (ustack, usym) sends each new
	 * pid once (A_PIDNOTE): its mappings must be read before it exits,
	 * so such programs wake wisp on every record rather than in batches. */
	for (int i = 0; i < p->probes.n; i++)
		if (((struct probe *)p->probes.v[i])->pidnote >= 0)
			watermark = 0;
	pb = perfbuf_open(p->events->fd, pages, watermark);
	if (!pb)
		fatal("cannot open the perf buffers: %s", strerror(errno));
	note("perf buffers: %d pages per CPU", pages);
}

static int by_name(const void *a, const void *b)
{
	const struct map *x = *(struct map *const *)a, *y = *(struct map *const *)b;
	return strcmp(x->name, y->name);
}

/* At exit, bpftrace prints two newlines, then every map, sorted by name. */
static void print_maps(struct prog *p)
{
	if (out_format == OUT_TEXT && !opt_folded)
		fputs("\n\n", out);
	struct map **v = malloc((p->maps.n + 1) * sizeof(*v));
	int n = 0;
	for (int i = 0; v && i < p->maps.n; i++) {
		struct map *m = p->maps.v[i];
		if (m != p->events && !m->scratch && !m->syscalls && !m->stack && !m->pids && m->fd >= 0)
			v[n++] = m;
	}
	if (v)
		qsort(v, n, sizeof(*v), by_name);
	for (int i = 0; i < n; i++)
		print_map(v[i], 0, 0, true);
	free(v);
}

static void finish(struct prog *p)
{
	/* a second ^C from here on ends wisp at once, as in bpftrace */
	signal(SIGINT, SIG_DFL);
	detach_all();
	drain(p);	/* what fired before the detach (dropped after an exit()) */
	ignoring = false;
	run_special(p, &prov_end);
	drain(p);
	if (lost_seen)
		warnx_("%llu event%s lost: a larger --perf-pages may help",
		       (unsigned long long)lost_seen, lost_seen == 1 ? " was" : "s were");
	print_maps(p);
	fflush(out);
}

int run(struct prog *p)
{
	static bool registered;
	if (!out)
		out = stdout;
	check_privileges();
	raise_memlock();
	set_tstamp_offset();
	adopt(p);
	if (!registered && atexit(cleanup) == 0)
		registered = true;
	catch_signals();

	int total = count_attaches(p);
	if (!total)
		fatal("no probes to attach");
	create_maps(p);
	load_all(p);
	open_perfbuf(p);

	if (!opt_quiet)
		out_attached(out, total);
	run_special(p, &prov_begin);
	drain(p);	/* BEGIN's output first; an exit() in it attaches nothing */
	if (!should_stop())
		attach_all(p);
	if (!should_stop())
		release_child(p);
	loop(p);
	finish(p);
	cleanup();
	return exit_code;
}
