/* main.c - the command line.
 *
 *   wisp [options] PROGRAM-TEXT | FILE [ARGS...]
 *   wisp [options] -e 'program' [ARGS...]
 *   wisp -l [PATTERN]
 *
 * Options are bpftrace's. The pipeline: source -> parse -> sema ->
 * codegen -> (-d: dump and stop) -> (-n: stop) -> run. A -c child is forked
 * before anything is compiled, so `cpid` is a constant in the program.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include "wisp.h"
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0.1.0"
#endif

/* run.c: -c CMD, forked now and started once the probes are attached */
int spawn_child(const char *cmd);

static void usage(FILE *f)
{
	fputs("wisp - a small dynamic tracer: bpftrace programs, compiled straight to eBPF\n"
	      "\n"
	      "USAGE:\n"
	      "    wisp [options] FILE|PROGRAM [ARGS...]\n"
	      "    wisp [options] -e 'program' [ARGS...]\n"
	      "    wisp -l [PATTERN]\n"
	      "    FILE '-' reads the program from standard input; ARGS are $1, $2, ...\n"
	      "\n"
	      "OPTIONS:\n"
	      "    -e 'program'       run this program\n"
	      "    -l, --list [PATTERN]\n"
	      "                       list probes (all, those matching PATTERN, or a program's)\n"
	      "    -v, --verbose      say what wisp does; with -l, show tracepoint fields\n"
	      "    -c, --cmd CMD      run CMD once the probes are attached; stop when it exits\n"
	      "    -p, --pid PID      stop when process PID exits\n"
	      "    -o, --output FILE  write the output to FILE\n"
	      "    -f FORMAT          output format: 'text' (default), 'json', or 'folded'\n"
	      "                       (text, with maps keyed by stacks as flame graph input)\n"
	      "    -B MODE            output buffering: 'line' (default), 'full' or 'none'\n"
	      "    -q, --quiet        no \"Attaching\" line\n"
	      "    -d, --debug        print the typed AST and each probe's instructions, then exit\n"
	      "    -n, --dry-run      compile only: parse, check and generate code, then exit\n"
	      "    --unsafe           allow system() and other actions with side effects\n"
	      "    --perf-pages N     perf buffer pages per CPU (default: 64, less on small machines)\n"
	      "    -h, --help         show this help\n"
	      "    -V, --version      show wisp's version\n"
	      "\n"
	      "EXAMPLES:\n"
	      "    wisp -e 'tracepoint:syscalls:sys_enter_openat { printf(\"%s %s\\n\", comm, str(args.filename)); }'\n"
	      "    wisp -e 'tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }'\n"
	      "    wisp -l 'tracepoint:sched:*'\n",
	      f);
}

static _Noreturn void usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "wisp: error: ");
	fprintf(stderr, fmt, arg);
	fputs("\n\n", stderr);
	usage(stderr);
	exit(1);
}

enum { OPT_UNSAFE = 256, OPT_PERF_PAGES };

static const struct option long_opts[] = {
	{ "list", no_argument, NULL, 'l' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "cmd", required_argument, NULL, 'c' },
	{ "pid", required_argument, NULL, 'p' },
	{ "output", required_argument, NULL, 'o' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "debug", no_argument, NULL, 'd' },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "unsafe", no_argument, NULL, OPT_UNSAFE },
	{ "perf-pages", required_argument, NULL, OPT_PERF_PAGES },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

struct opts {
	const char *text;	/* -e */
	const char *cmd;	/* -c */
	const char *output;	/* -o */
	int bufmode;		/* -B */
	bool list, debug, unsafe;
};

static int parse_int(const char *s, const char *what)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v <= 0 || v > 0x7fffffff)
		usage_error(what, s);
	return (int)v;
}

static void parse_opts(int argc, char **argv, struct opts *o)
{
	int c;
	o->bufmode = _IOLBF;	/* bpftrace's default, tty or not */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":e:lvc:p:o:f:B:qdnhV", long_opts, NULL)) != -1) {
		switch (c) {
		case 'e': o->text = optarg; break;
		case 'l': o->list = true; break;
		case 'v': verbose++; break;
		case 'c': o->cmd = optarg; break;
		case 'p': opt_pid = parse_int(optarg, "-p wants a process id, not '%s'"); break;
		case 'o': o->output = optarg; break;
		case 'q': opt_quiet = true; break;
		case 'd': o->debug = true; break;
		case 'n': opt_dry_run = true; break;
		case OPT_UNSAFE: o->unsafe = true; break;
		case OPT_PERF_PAGES:
			opt_perf_pages = parse_int(optarg, "--perf-pages wants a number of pages, not '%s'");
			break;
		case 'f':
			if (!strcmp(optarg, "text"))
				out_format = OUT_TEXT;
			else if (!strcmp(optarg, "json"))
				out_format = OUT_JSON;
			else if (!strcmp(optarg, "folded"))
				opt_folded = true;	/* text, with stack-keyed maps folded */
			else
				usage_error("-f must be 'text', 'json' or 'folded', not '%s'", optarg);
			break;
		case 'B':
			if (!strcmp(optarg, "line"))
				o->bufmode = _IOLBF;
			else if (!strcmp(optarg, "full"))
				o->bufmode = _IOFBF;
			else if (!strcmp(optarg, "none"))
				o->bufmode = _IONBF;
			else
				usage_error("-B must be 'line', 'full' or 'none', not '%s'", optarg);
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("wisp %s\n", PACKAGE_VERSION);
			exit(0);
		case ':':
			usage_error("option '%s' needs an argument", argv[optind - 1]);
		default:
			if (optopt)
				usage_error("unknown option '-%s'", (char[]){ (char)optopt, 0 });
			usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (o->cmd && opt_pid)
		usage_error("-c and -p cannot be used together%s", "");
}

/* ------------------------------------------------------------- source */

static char *read_stream(FILE *f, const char *name)
{
	char *buf = NULL, chunk[4096];
	size_t len = 0, r;
	while ((r = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		buf = xrealloc(buf, len, len + r + 1);
		memcpy(buf + len, chunk, r);
		len += r;
	}
	if (ferror(f))
		fatal("cannot read '%s': %s", name, strerror(errno));
	if (!buf)
		buf = xstrdup("");
	buf[len] = '\0';
	if (strlen(buf) != len)
		fatal("'%s' is not a program: it holds NUL bytes", name);
	return buf;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "re");
	if (!f)
		fatal("cannot open '%s': %s", path, strerror(errno));
	char *s = read_stream(f, path);
	fclose(f);
	return s;
}

static bool is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && !S_ISDIR(st.st_mode);
}

/* The program: -e TEXT, "-" (standard input), a file that exists, or else
 * the argument itself as program text. Text has bpftrace's name "stdin".
 * Every program has a '{', so an argument without one that names no file
 * is a misspelt file name, not a program. */
static struct source *get_source(const struct opts *o, int argc, char **argv)
{
	struct source *src = xalloc(sizeof(*src));
	src->name = "stdin";
	if (o->text) {
		src->text = o->text;
	} else if (optind >= argc) {
		usage_error("a program is needed: FILE, PROGRAM or -e 'program'%s", "");
	} else {
		const char *a = argv[optind++];
		if (!strcmp(a, "-")) {
			src->text = read_stream(stdin, "stdin");
		} else if (is_file(a) || !strchr(a, '{')) {
			src->name = a;
			src->text = read_file(a);
		} else {
			src->text = a;
		}
	}
	return src;
}

/* ---------------------------------------------------------------- -l */

/* bpftrace's search: "PROVIDER:REST" globs, a pattern without ':' is
 * "*:PATTERN". Each provider whose name (or alias) matches lists the
 * pattern with its own name in front. */
static void list_probes(const char *pat)
{
	if (!pat || !*pat || !strcmp(pat, "*"))
		pat = "*:*";
	if (!strchr(pat, ':'))
		pat = xprintf("*:%s", pat);
	const char *colon = strchr(pat, ':');
	char *pfx = xstrndup(pat, colon - pat);
	for (int i = 0; providers[i]; i++) {
		const struct provider *pv = providers[i];
		if (!pv->list)
			continue;
		if (!glob_match(pfx, pv->name) && !(pv->alias && glob_match(pfx, pv->alias)))
			continue;
		/* user probes name a file: a wildcard provider ("*:vfs_read")
		 * reaches them only with a path, not to look a word up as one */
		if ((pv->caps & PC_USER) && has_wild(pfx) && !strchr(colon, '/'))
			continue;
		pv->list(xprintf("%s%s", pv->name, colon), verbose > 0);
	}
}

/* -l with a program: the attach points its probes expand to. */
static void list_program(struct prog *p)
{
	for (int i = 0; i < p->probes.n; i++) {
		struct probe *pr = p->probes.v[i];
		for (int j = 0; j < pr->attaches.n; j++)
			printf("%s\n", ((struct attach *)pr->attaches.v[j])->name);
	}
}

/* ---------------------------------------------------------------- -d */

static struct prog *dumped;

/* At -d time a map load holds the map's id, not an fd. */
static const char *map_name(int id)
{
	if (dumped->events && dumped->events->id == id)
		return "events";
	for (int i = 0; i < dumped->maps.n; i++) {
		struct map *m = dumped->maps.v[i];
		if (m->id == id)
			return m->name;
	}
	return NULL;
}

static void dump(struct prog *p)
{
	dumped = p;
	ast_dump(stdout, p->ast);
	for (int i = 0; i < p->probes.n; i++) {
		struct probe *pr = p->probes.v[i];
		for (int j = 0; j < pr->progs.n; j++) {
			struct bpfprog *bp = pr->progs.v[j];
			printf("\nprobe %s:\n", prog_title(bp));
			disasm(stdout, bp->a.insn, bp->a.n, map_name);
		}
	}
	fflush(stdout);
}

/* ------------------------------------------------------------- output */

static void open_output(const struct opts *o)
{
	out = stdout;
	if (o->output) {
		out = fopen(o->output, "we");
		if (!out)
			fatal("cannot open output file '%s': %s", o->output, strerror(errno));
	}
	setvbuf(out, NULL, o->bufmode, BUFSIZ);	/* before anything is written */
}

/* The exit status is only good if everything written also arrived. */
static int close_output(int rc)
{
	if (fflush(out) || ferror(out)) {
		fprintf(stderr, "wisp: error: writing the output: %s\n", strerror(errno));
		return rc ? rc : 1;
	}
	if (out != stdout && fclose(out)) {
		fprintf(stderr, "wisp: error: closing the output: %s\n", strerror(errno));
		return rc ? rc : 1;
	}
	out = stdout;
	return rc;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	out = stdout;
	parse_opts(argc, argv, &o);

	if (opt_pid && kill(opt_pid, 0) < 0 && errno == ESRCH)
		fatal("-p %d: no such process", opt_pid);

	/* -l PATTERN, or -l alone: no program */
	if (o.list && !o.text && (optind >= argc || !is_file(argv[optind]))) {
		if (argc - optind > 1)
			usage_error("-l takes one pattern, not '%s' too", argv[optind + 1]);
		list_probes(optind < argc ? argv[optind] : NULL);
		return close_output(0);
	}

	/* first, before compiling: the child's pid is a constant */
	if (o.cmd && !o.list)
		opt_cpid = spawn_child(o.cmd);

	struct source *src = get_source(&o, argc, argv);
	cur_src = src;
	int nparams = argc - optind;
	char **params = argv + optind;

	struct program *ast = parse(src);
	struct prog *p = sema(ast, nparams, params, o.unsafe);
	if (o.list) {
		list_program(p);
		return close_output(0);
	}
	codegen(p);
	if (o.debug) {
		dump(p);
		return 0;
	}
	if (opt_dry_run)
		return 0;

	open_output(&o);
	int rc = run(p);
	exit(close_output(rc));
}
