/* perfbuf.c - the per-CPU perf ring buffers BPF programs write events to.
 *
 * Each online CPU gets a PERF_COUNT_SW_BPF_OUTPUT event whose fd goes into
 * the BPF_MAP_TYPE_PERF_EVENT_ARRAY at that CPU's index; a program's
 * bpf_perf_event_output(ctx, map, BPF_F_CURRENT_CPU, ...) lands in the ring
 * mapped here. The ring is one metadata page then 2^n data pages:
 *
 *   kernel: writes records at data_head, then publishes data_head (release)
 *   we:     read data_head (acquire), consume records from data_tail up to
 *           it, then publish data_tail (release) to give the space back
 *
 * Head and tail only grow; their offset in the ring is the value modulo the
 * data size. Records are placed back to back, so one may wrap past the end
 * of the data area: records are copied out, in two pieces when they wrap.
 * A sample record is the header, a u32 size, then that many bytes: the
 * program's payload, padded by the kernel so that size + 4 is a multiple of
 * 8 (16 bytes output arrive as 20).
 *
 * Waking the reader for every event costs microseconds of CPU per event, so
 * the kernel wakes us only once `watermark` bytes are waiting, and the run
 * loop polls with a short timeout and drains every ring regardless.
 *
 * When a ring is full the kernel drops events and later writes a
 * PERF_RECORD_LOST saying how many; those are added up for the user. But
 * that record is only written once space is available again, by the next
 * event that fits: events dropped near the end would go unreported. Since
 * 6.0 the event itself counts them (PERF_FORMAT_LOST, read(2) on its fd),
 * so where the kernel has that, perfbuf_lost() asks it instead.
 */
#include "wisp.h"
#include "compat.h"
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

/* read_format bit of 6.0; an enum constant, so no #ifndef can supply it */
enum { FORMAT_LOST = 1U << 4 };

struct ring {
	int cpu, fd;
	struct perf_event_mmap_page *meta;	/* the first mapped page */
	uint8_t *data;				/* the data pages that follow */
	size_t size;				/* bytes of data, a power of two */
	uint64_t tail;				/* what we have consumed */
	bool fmt_lost;				/* read(fd) gives a lost count */
};

struct perfbuf {
	struct ring *r;
	int nr;
	struct pollfd *pfd;
	size_t map_len;		/* bytes mapped per ring */
	uint64_t lost;
	/* Records are copied here: whole even when they wrap, and 8-aligned
	 * so callbacks may read the payload's u64s directly on strict-
	 * alignment machines (the payload sits at offset 12 in the ring). A
	 * record's size is a u16, so 64 KiB holds any. */
	uint64_t bounce[65536 / 8];
};

/* ---------------------------------------------------- head and tail
 *
 * data_head and data_tail are u64 in the shared page. Where the machine
 * has lock-free 64-bit atomics (64-bit machines, i386, ARMv7) they are
 * accessed whole. Elsewhere (MIPS32, ARMv5) a u64 atomic would be a
 * libatomic lock the kernel knows nothing of, so only the low 32-bit word
 * is used: a 32-bit kernel never sets the high word, and since the ring is
 * far smaller than 4 GiB, offsets and distances modulo 2^32 are exact
 * even under a 64-bit kernel. (Only 32-bit machines lack such atomics,
 * and there size_t is 32 bits, so the (size_t) distances in ring_drain are
 * taken modulo 2^32 as they must be.)
 */
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define LOW_WORD 1
#else
#define LOW_WORD 0
#endif

static uint64_t load_head(struct perf_event_mmap_page *m)
{
	if (__atomic_always_lock_free(sizeof(uint64_t), 0))
		return __atomic_load_n(&m->data_head, __ATOMIC_ACQUIRE);
	uint32_t *w = (uint32_t *)&m->data_head;
	return __atomic_load_n(&w[LOW_WORD], __ATOMIC_ACQUIRE);
}

static void store_tail(struct perf_event_mmap_page *m, uint64_t tail)
{
	if (__atomic_always_lock_free(sizeof(uint64_t), 0)) {
		__atomic_store_n(&m->data_tail, tail, __ATOMIC_RELEASE);
		return;
	}
	uint32_t *w = (uint32_t *)&m->data_tail;
	__atomic_store_n(&w[LOW_WORD], (uint32_t)tail, __ATOMIC_RELEASE);
}

/* ---------------------------------------------------- setup */

/* Open, map, and register the ring of one CPU. */
static int ring_open(struct ring *r, int mapfd, size_t map_len, int watermark)
{
	struct perf_event_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_BPF_OUTPUT;
	attr.sample_period = 1;
	attr.sample_type = PERF_SAMPLE_RAW;
	if (watermark > 0) {
		attr.watermark = 1;
		attr.wakeup_watermark = watermark;
	} else {
		attr.wakeup_events = 1;
	}

	attr.read_format = FORMAT_LOST;
	int fd = perf_event_open_(&attr, -1, r->cpu, -1, 0);
	if (fd == -EINVAL) {		/* before 6.0 */
		attr.read_format = 0;
		fd = perf_event_open_(&attr, -1, r->cpu, -1, 0);
	}
	if (fd < 0)
		return fd;
	r->fmt_lost = attr.read_format != 0;
	r->fd = fd;
	void *p = mmap(NULL, map_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	r->meta = p;
	r->data = (uint8_t *)p + (map_len - r->size);
	r->tail = load_head(r->meta);	/* nothing can be there yet */

	uint32_t key = r->cpu, val = fd;
	int err = bpf_map_update(mapfd, &key, &val, BPF_ANY);
	if (err < 0)
		return err;
	if (ioctl(fd, PERF_EVENT_IOC_ENABLE, 0) < 0)
		return -errno;
	return 0;
}

/* NULL with errno set on failure. */
struct perfbuf *perfbuf_open(int mapfd, int pages, int watermark)
{
	long psz = sysconf(_SC_PAGESIZE);
	int ncpu = ncpus_possible();
	if (psz <= 0 || pages <= 0 || (pages & (pages - 1))) {
		errno = EINVAL;
		return NULL;
	}
	if (ncpu < 0) {
		errno = -ncpu;
		return NULL;
	}

	struct perfbuf *pb = calloc(1, sizeof(*pb));
	int *cpus = calloc(ncpu, sizeof(int));
	int n = -ENOMEM;
	if (pb && cpus)
		n = ncpus_online_list(cpus, ncpu);
	if (n >= 0) {
		pb->r = calloc(n, sizeof(*pb->r));
		pb->pfd = calloc(n, sizeof(*pb->pfd));
		if (!pb->r || !pb->pfd)
			n = -ENOMEM;
	}
	if (n < 0) {
		free(cpus);
		perfbuf_close(pb);
		errno = -n;
		return NULL;
	}

	size_t size = (size_t)pages * psz;
	pb->map_len = size + psz;
	/* A watermark as large as the ring would wake us only when it is
	 * already full; keep it at half at most. */
	if (watermark > 0 && (size_t)watermark > size / 2)
		watermark = size / 2;
	for (int i = 0; i < n; i++) {
		struct ring *r = &pb->r[pb->nr++];
		r->cpu = cpus[i];
		r->fd = -1;
		r->size = size;
		int err = ring_open(r, mapfd, pb->map_len, watermark);
		if (err < 0) {
			free(cpus);
			perfbuf_close(pb);
			errno = -err;
			return NULL;
		}
		pb->pfd[i].fd = r->fd;
		pb->pfd[i].events = POLLIN;
	}
	free(cpus);
	return pb;
}

/* ---------------------------------------------------- reading */

/* Copy len bytes at ring offset pos (modulo the size) out, wrapping. */
static void ring_copy(const struct ring *r, uint64_t pos, void *dst, size_t len)
{
	size_t off = pos & (r->size - 1);
	size_t first = r->size - off < len ? r->size - off : len;
	memcpy(dst, r->data + off, first);
	memcpy((uint8_t *)dst + first, r->data, len - first);
}

/* Hand one ring's complete records to cb; returns the samples seen. */
static int ring_drain(struct perfbuf *pb, struct ring *r,
		      void (*cb)(void *, const void *, int), void *ctx)
{
	uint64_t head = load_head(r->meta);
	int samples = 0;

	/* Distances, not comparisons: see load_head for the 32-bit case. */
	while ((size_t)(head - r->tail) >= sizeof(struct perf_event_header)) {
		struct perf_event_header h;
		ring_copy(r, r->tail, &h, sizeof(h));
		if (h.size < sizeof(h) || h.size > (size_t)(head - r->tail))
			break;	/* cannot happen: the kernel writes whole records */
		if (h.type == PERF_RECORD_SAMPLE && h.size >= sizeof(h) + 4) {
			uint32_t raw;
			ring_copy(r, r->tail + sizeof(h), &raw, 4);
			if (raw > h.size - sizeof(h) - 4)
				raw = h.size - sizeof(h) - 4;
			ring_copy(r, r->tail + sizeof(h) + 4, pb->bounce, raw);
			cb(ctx, pb->bounce, raw);
			samples++;
		} else if (h.type == PERF_RECORD_LOST && h.size >= sizeof(h) + 16) {
			uint64_t id_lost[2];	/* u64 id, u64 lost */
			ring_copy(r, r->tail + sizeof(h), id_lost, 16);
			pb->lost += id_lost[1];
		}
		r->tail += h.size;
	}
	store_tail(r->meta, r->tail);
	return samples;
}

int perfbuf_poll(struct perfbuf *pb, int timeout_ms,
		 void (*cb)(void *ctx, const void *data, int size), void *ctx)
{
	/* A signal (Ctrl-C, a -c child exiting) interrupts the wait; the
	 * rings are drained all the same and the caller checks its flags. */
	if (poll(pb->pfd, pb->nr, timeout_ms) < 0 && errno != EINTR)
		return -errno;
	int samples = 0;
	for (int i = 0; i < pb->nr; i++)
		samples += ring_drain(pb, &pb->r[i], cb, ctx);
	return samples;
}

/* The kernel's own count where every ring has one, else what the
 * PERF_RECORD_LOST records said. */
uint64_t perfbuf_lost(struct perfbuf *pb)
{
	uint64_t total = 0;
	for (int i = 0; i < pb->nr; i++) {
		uint64_t v[2];	/* the event's value, then its lost count */
		struct ring *r = &pb->r[i];
		if (!r->fmt_lost || read(r->fd, v, sizeof(v)) != sizeof(v))
			return pb->lost;
		total += v[1];
	}
	return total > pb->lost ? total : pb->lost;
}

void perfbuf_close(struct perfbuf *pb)
{
	if (!pb)
		return;
	for (int i = 0; i < pb->nr; i++) {
		struct ring *r = &pb->r[i];
		if (r->meta)
			munmap(r->meta, pb->map_len);
		if (r->fd >= 0)
			close(r->fd);
	}
	free(pb->r);
	free(pb->pfd);
	free(pb);
}
