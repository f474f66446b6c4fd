#!/bin/bash
# bench/attach.sh - how long wisp takes to attach many probes, and to exit
# on ^C, for (a) every syscall tracepoint counted by probe, (b) the same
# counted in one slot, (c) every sched tracepoint; bpftrace too, in the same
# run, when it is installed (for a ratio). Medians of RUNS runs.
#
#   sudo bench/attach.sh                  uses ./src/wisp
#   sudo WISP=/path/wisp RUNS=9 bench/attach.sh
#
# What is measured (all on CLOCK_MONOTONIC, by a helper whose C source is
# in this script):
#  attach: from starting the tracer (just before fork+exec) to the moment
#     its -c child runs. "Attaching N probes..." cannot be the mark: wisp
#     prints it before BEGIN and before attaching anything (src/run.c:
#     ... -> "Attaching N probes..." -> BEGIN -> attach -> release the -c
#     child), and on a pipe or file it stays in the stdio buffer. wisp
#     execs its -c child only after every probe is attached (a perf event or
#     link that is live when the call returns), bpftrace likewise, so the
#     child's first act -- writing the clock to a file -- marks "every probe
#     fires from here on". The child then waits (pause()), so that it is
#     the signal that ends the tracer, not the child's exit.
#  exit: from kill(tracer, SIGINT), sent HOLD_MS after "attached" (events
#     flow meanwhile), to the tracer's exit as waitpid() sees it: detaching,
#     END, reading and printing the maps, closing everything, and stopping
#     the -c child. The tracer's standard output goes to a file, and a run
#     counts only if the printed map has at least one "@" line (for (a):
#     at least 2 keys). A tracer still there after EXIT_TIMEOUT s is killed
#     and the run reported as failed.
#  base: the same helper started bare (no tracer) in the same run: what
#     fork+exec+stamp costs on its own; not subtracted from the figures.
#
# Environment: WISP (./src/wisp), RUNS (5), HOLD_MS (500), EXIT_TIMEOUT
# (120), CC (cc), BPFTRACE (bpftrace; "none" to skip it). Needs root.
set -euo pipefail

wisp=${WISP:-./src/wisp}
runs=${RUNS:-5}
hold_ms=${HOLD_MS:-500}
exit_timeout=${EXIT_TIMEOUT:-120}
cc=${CC:-cc}
bpftrace=${BPFTRACE:-bpftrace}

die() { echo "attach.sh: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "run me as root: the benchmarks attach probes"
[ -x "$wisp" ] || die "no wisp at '$wisp' (build it, or set WISP=path)"
wisp=$(cd "$(dirname "$wisp")" && pwd)/$(basename "$wisp")
have_bpftrace=no
if [ "$bpftrace" != none ] && command -v "$bpftrace" >/dev/null; then
	have_bpftrace=yes
	bpftrace=$(command -v "$bpftrace")
fi

tmp=$(mktemp -d /tmp/wisp-attach.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
# the helper (C): the stamp of the -c child, and the clock around the tracer
cat >"$tmp/attach_timing.c" <<'EOF'
/* attach_timing.c - the clock for bench/attach.sh.
 *
 *   t hold FILE
 *	write CLOCK_MONOTONIC (ns) to FILE (through a rename, so that it
 *	appears whole), then wait for a signal
 *   t run FILE HOLD_MS TIMEOUT_S OUT CMD...
 *	run CMD (standard output to OUT, standard error to OUT.err), wait
 *	for FILE, HOLD_MS later send CMD SIGINT and wait for it to exit;
 *	print "attach_ns=A exit_ns=E status=S": A from the fork to the clock
 *	in FILE, E from the SIGINT to the exit; -1 when FILE never came
 *	(CMD exited first) or CMD did not exit within TIMEOUT_S.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, ms % 1000 * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void on_alarm(int sig)
{
	(void)sig;
}

static int hold(const char *file)
{
	long long t = now_ns();
	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s.tmp", file);
	FILE *f = fopen(tmp, "w");
	if (!f || fprintf(f, "%lld\n", t) < 0 || fclose(f) || rename(tmp, file))
		return 1;
	for (;;)
		pause();	/* the tracer's SIGTERM (or SIGINT) ends us */
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "hold"))
		return hold(argv[2]);
	if (argc < 7 || strcmp(argv[1], "run")) {
		fprintf(stderr, "usage: t hold FILE | t run FILE HOLD_MS TIMEOUT_S OUT CMD...\n");
		return 2;
	}
	const char *file = argv[2], *out = argv[5];
	long hold_ms = atol(argv[3]), timeout_ms = atol(argv[4]) * 1000;
	char err[4096];
	snprintf(err, sizeof(err), "%s.err", out);
	unlink(file);
	long long t0 = now_ns();
	pid_t pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (o < 0 || e < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0)
			_exit(127);
		execvp(argv[6], argv + 6);
		fprintf(stderr, "t: cannot run %s: %s\n", argv[6], strerror(errno));
		_exit(127);
	}
	/* wait for the stamp, or the tracer's early exit */
	long long t1 = -1;
	int st = 0;
	for (long waited = 0; waited < timeout_ms; waited++) {
		FILE *f = fopen(file, "r");
		if (f) {
			if (fscanf(f, "%lld", &t1) != 1)
				t1 = -1;
			fclose(f);
			break;
		}
		if (waitpid(pid, &st, WNOHANG) == pid) {
			printf("attach_ns=-1 exit_ns=-1 status=%d (exited before attaching)\n",
			       WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
			return 0;
		}
		sleep_ms(1);
	}
	if (t1 >= 0)
		sleep_ms(hold_ms);
	/* a blocking wait (no polling to compete with the tracer for a CPU),
	 * cut short by SIGALRM after TIMEOUT_S */
	struct sigaction sa = { .sa_handler = on_alarm };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	long long t2 = now_ns(), t3 = -1;
	kill(pid, SIGINT);
	alarm(timeout_ms / 1000);
	if (waitpid(pid, &st, 0) == pid)
		t3 = now_ns();
	alarm(0);
	if (t3 < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
	}
	printf("attach_ns=%lld exit_ns=%lld status=%d\n", t1 < 0 ? -1 : t1 - t0,
	       t3 < 0 ? -1 : t3 - t2, WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	return 0;
}
EOF
"$cc" -O2 -Wall -o "$tmp/t" "$tmp/attach_timing.c" || die "cannot build the helper with $cc"
stamp=$tmp/stamp

# median of the numbers on standard input (one a line)
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ms() { awk -v n="$1" 'BEGIN { if (n == "n/a") print n; else printf "%.1f", n / 1e6 }'; }

# the programs, and how many map lines a run must print to count
progs=('tracepoint:syscalls:sys_enter_* { @[probe] = count(); }'
	'tracepoint:syscalls:sys_enter_* { @ = count(); }'
	'tracepoint:sched:* { @ = count(); }')
minkeys=(2 1 1)
tags=(a b c)

# measure TAG NEED CMD...: RUNS runs; prints "attach_ns exit_ns ok/runs"
# (medians over the good runs), and keeps the last run's output in $tmp/TAG.out
measure() {
	local tag=$1 need=$2 i line keys
	shift 2
	: >"$tmp/$tag.a"
	: >"$tmp/$tag.e"
	local ok=0
	for ((i = 0; i < runs; i++)); do
		line=$("$tmp/t" run "$stamp" "$hold_ms" "$exit_timeout" "$tmp/$tag.out" "$@" </dev/null) || true
		keys=$(grep -c '^@' "$tmp/$tag.out" 2>/dev/null || true)
		case $line in
		*attach_ns=-1*|*exit_ns=-1*|"")
			echo "attach.sh: $tag run $((i + 1)): $line" >&2
			head -n 5 "$tmp/$tag.out.err" >&2 || true
			continue ;;
		esac
		if [ "${keys:-0}" -lt "$need" ]; then
			echo "attach.sh: $tag run $((i + 1)): ${keys:-0} map lines printed, expected >= $need" >&2
			continue
		fi
		ok=$((ok + 1))
		line=${line#*attach_ns=}
		echo "${line%% *}" >>"$tmp/$tag.a"
		line=${line#*exit_ns=}
		echo "${line%% *}" >>"$tmp/$tag.e"
	done
	echo "$(median <"$tmp/$tag.a") $(median <"$tmp/$tag.e") $ok/$runs"
}

echo "wisp: $wisp ($("$wisp" --version 2>/dev/null || echo 'version unknown'))"
if [ $have_bpftrace = yes ]; then
	echo "bpftrace: $bpftrace ($("$bpftrace" --version 2>/dev/null))"
elif [ "$bpftrace" = none ]; then
	echo "bpftrace: skipped (BPFTRACE=none)"
else
	echo "bpftrace: not installed"
fi
echo "kernel: $(uname -r), $(nproc) CPUs, load: $(cut -d' ' -f1-3 /proc/loadavg)"
tfs=/sys/kernel/tracing
[ -d $tfs/events ] || tfs=/sys/kernel/debug/tracing
sys=("$tfs"/events/syscalls/sys_enter_*)
sched=("$tfs"/events/sched/*/)
echo "events: ${#sys[@]} syscalls:sys_enter_*, ${#sched[@]} sched:*"
echo "runs: $runs, ^C sent ${hold_ms} ms after attached"

read -r base_a base_e base_ok <<<"$(measure base 0 "$tmp/t" hold "$stamp")"
echo "base (helper alone): attach $(ms "$base_a") ms, exit $(ms "$base_e") ms ($base_ok)"

ratio() { awk -v w="$1" -v b="$2" 'BEGIN { if (w == "n/a" || b == "n/a" || b == 0) print "n/a"; else printf "%.2f", w / b }'; }
# every run's figures, in ms: "TAG attach: ... exit: ..."
runs_of() { echo "$1 attach: $(awk '{ printf "%.1f ", $1 / 1e6 }' "$tmp/$1.a")exit: $(awk '{ printf "%.1f ", $1 / 1e6 }' "$tmp/$1.e")"; }

# measure everything first (failures are reported on stderr as they come),
# then the table
status=0
rows=()
details=()
for i in 0 1 2; do
	p=${tags[i]}
	prog=${progs[i]}
	read -r wa we wok <<<"$(measure "wisp_$p" "${minkeys[i]}" "$wisp" -c "$tmp/t hold $stamp" -e "$prog")"
	[ "${wok%/*}" -gt 0 ] || status=1
	row=$(printf '%-58s %10s %10s %6s' "($p) $prog" "$(ms "$wa")" "$(ms "$we")" "$wok")
	details+=("$(runs_of "wisp_$p")")
	if [ $have_bpftrace = yes ]; then
		read -r ba be bok <<<"$(measure "bpftrace_$p" "${minkeys[i]}" "$bpftrace" -c "$tmp/t hold $stamp" -e "$prog")"
		row+=$(printf ' %10s %10s %6s %10s %10s' "$(ms "$ba")" "$(ms "$be")" "$bok" "$(ratio "$wa" "$ba")" "$(ratio "$we" "$be")")
		details+=("$(runs_of "bpftrace_$p")")
	fi
	rows+=("$row")
done

echo
printf '%-58s %10s %10s %6s' "median of the good runs" "attach ms" "exit ms" "runs"
[ $have_bpftrace = yes ] && printf ' %10s %10s %6s %10s %10s' "bpftrace" "bpftrace" "runs" "attach" "exit"
echo
[ $have_bpftrace = yes ] && printf '%-58s %10s %10s %6s %10s %10s %6s %10s %10s\n' "" "" "" "" "attach ms" "exit ms" "" "wisp/bpft" "wisp/bpft"
printf '%s\n' "${rows[@]}"
echo
echo "every good run (ms):"
printf '  %s\n' "${details[@]}"
exit $status
