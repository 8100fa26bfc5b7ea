/* Packet trace: `trace add N [port NAME]`, `show trace`, `trace clear`.
 *
 * Each worker records the path of the next N packets it receives (on one
 * port, or any): where it came in, every stage it went through with what
 * the stage found (the EIP, the service and backend, the conntrack entry
 * new or hit, the route and next hop, the neighbour), how it ended (sent
 * on a port, dropped with a reason, punted to the slow path) and its first
 * VGW_TRACE_HDR bytes as received and as it left.
 *
 * Memory: VGW_TRACE_MAX records per worker, made at init; nothing is
 * allocated afterwards. A packet is marked by a dynamic mbuf flag (set at
 * receive, cleared when its trace ends) and its record's handle in the
 * mbuf's private area (core/gw.h struct vgw_dp_mbuf_priv.trace).
 *
 * Who writes what:
 *  - the slow path (trace_cli.c) writes `ctl`: the request count per worker
 *    (`want`, only ever raised, or lowered to what was taken), the port
 *    filter and the generation; it never writes a record;
 *  - a worker claims the records of its own array, in order, while its
 *    `taken` is below `want` (only it writes `taken`);
 *  - a record is written by whichever worker holds its packet: the one that
 *    received it, then the one it was handed to (dp/handoff.h: the ring's
 *    enqueue/dequeue orders the writes). Ending the trace (sent, dropped,
 *    punted) stores state DONE with release semantics and clears the
 *    packet's flag, so nobody writes the record again;
 *  - the slow path reads DONE records of the current generation only,
 *    copying each between two reads of its `seq` (even = stable): a record
 *    its owner reclaims meanwhile (after `trace clear`) is skipped.
 * `trace clear` starts a new generation: records of older ones are not
 * shown and their slots are reused; a LIVE record (its packet still on its
 * way) is skipped by its owner until it ends, or for good once it is older
 * than VGW_TRACE_STALE_S (its packet left by a path that records no end).
 *
 * Cost when off: the worker loop reads the `on` word once per loop into
 * the worker (w->trace_on); the dispatcher tests it once per vector, the
 * per-packet ends (send, drop, punt) and the stages' notes test it before
 * they look at a packet. */
#ifndef VGW_TRACE_H
#define VGW_TRACE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "../core/gw.h"

#define VGW_TRACE_MAX 256   /* records per worker: the largest N of trace add */
#define VGW_TRACE_STEPS 16  /* steps kept per packet; more are counted */
#define VGW_TRACE_NOTE 76   /* a step's text */
#define VGW_TRACE_HDR 128   /* header bytes kept, as received and as sent */
#define VGW_TRACE_STALE_S 1 /* a LIVE record older than this is abandoned */
#define VGW_TRACE_ANY_PORT 0xffff

enum vgw_trace_state { VGW_TRACE_FREE, VGW_TRACE_LIVE, VGW_TRACE_DONE };

/* How a traced packet ended. */
enum vgw_trace_end {
	VGW_TRACE_END_NONE,
	VGW_TRACE_END_TX,    /* code: the port (our index) */
	VGW_TRACE_END_DROP,  /* code: enum vgw_drop */
	VGW_TRACE_END_PUNT,  /* code: enum vgw_punt_reason */
	VGW_TRACE_END_FREED, /* consumed without a counter (code 0) */
};

/* One step: the stage a packet entered (note: what the stage was told), or
 * a note a stage added about what it found (stage = the stage noting). */
struct vgw_trace_step {
	uint8_t stage;  /* enum vgw_stage */
	uint8_t worker;
	uint8_t enter;  /* 1: entered the stage; 0: a note inside it */
	char note[VGW_TRACE_NOTE + 1];
};

struct vgw_trace_rec {
	atomic_uint seq;    /* owner: odd while (re)claiming, even after */
	atomic_uchar state; /* enum vgw_trace_state */
	uint8_t worker;     /* received by */
	uint8_t n_steps;
	uint8_t lost_steps; /* steps beyond VGW_TRACE_STEPS */
	uint8_t end;        /* enum vgw_trace_end */
	uint8_t end_worker;
	uint16_t end_code;
	uint16_t port, queue;  /* received on (our index), RX queue */
	uint32_t gen;
	uint32_t id;           /* per worker, from 1 in its generation */
	uint64_t tsc, end_tsc; /* received, ended */
	uint32_t len_in, len_out;  /* frame lengths */
	uint16_t cap_in, cap_out;  /* bytes kept of each */
	uint8_t hdr_in[VGW_TRACE_HDR], hdr_out[VGW_TRACE_HDR];
	struct vgw_trace_step step[VGW_TRACE_STEPS];
};

/* The shared control block: slow path writes, workers read (with acquire
 * on `want`, so port/gen written before it are seen). */
struct vgw_trace_ctl {
	atomic_bool on;
	atomic_uint gen;
	atomic_uint port; /* VGW_TRACE_ANY_PORT or our port index */
	atomic_uint want[VGW_MAX_WORKERS];
	/* per worker, written by that worker only */
	struct vgw_trace_wk {
		atomic_uint taken; /* records claimed in this generation */
		atomic_uint gen;   /* the generation `taken` counts */
		uint32_t next;     /* next slot to try */
	} wk[VGW_MAX_WORKERS];
	struct vgw_trace_rec *rec[VGW_MAX_WORKERS]; /* VGW_TRACE_MAX each, init */
};

extern struct vgw_trace_ctl vgw_trace;
extern uint64_t vgw_trace_flag; /* the dynamic mbuf flag; 0 before init */

/* Slow path. */
/* trace add: each worker records its next n more packets (n <= VGW_TRACE_MAX
 * in a generation), on port (VGW_TRACE_ANY_PORT: any); -1 with err. */
int vgw_trace_add(uint32_t n, uint32_t port, char *err);
/* trace clear: a new generation, nothing armed. */
void vgw_trace_clear(void);
/* Copies the finished records of the current generation into out (at most
 * max), ordered by receive time; returns how many. *live: records armed
 * but not finished yet. */
unsigned int vgw_trace_collect(struct vgw_trace_rec *out, unsigned int max, unsigned int *live);

/* trace_fmt.c (pure, any thread): record r, the no-th shown, as an object
 * of f. Names (ports, stages, drop and punt reasons) come from the caller;
 * times are in microseconds: hz is the TSC rate, base_tsc time zero. */
struct vgw_fmt;
struct vgw_trace_names {
	const char *(*port)(uint16_t port);
	const char *(*drop)(uint16_t why);
	const char *(*punt)(uint16_t why);
	const char *(*stage)(uint8_t stage);
	uint64_t hz;
	uint64_t base_tsc; /* times are shown relative to this */
};
void vgw_trace_fmt_rec(struct vgw_fmt *f, unsigned int no, const struct vgw_trace_rec *r,
		       const struct vgw_trace_names *nm);
/* The headers in buf (cap bytes of a frame of len bytes) as a list `key` of
 * layers {layer, src, dst, info}: Ethernet, ARP, IPv4, ICMP, UDP, TCP, VXLAN
 * and the frame inside it. */
void vgw_trace_fmt_headers(struct vgw_fmt *f, const char *key, const uint8_t *buf,
			   uint32_t cap, uint32_t len);

#endif
