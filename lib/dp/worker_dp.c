/* Worker lcore main loop: see worker.h. */
#include "worker.h"

#include <rte_cycles.h>

#include "dp.h"
#include "handoff.h"
#include "../debug/stall.h"
#include "../lb/ct_worker.h"

/* Connection-table slots each loop looks at for expiry: a full scan of a
 * million entries takes about 16 k loops (milliseconds idle, well under a
 * second under load), far below the shortest timeout (10 s) that matters. */
#define CT_AGE_BUDGET 64

static void on_expire(const struct vgw_ct_entry *e, void *arg)
{
	vgw_ct_worker_conn_ended(arg, e);
}

/* The modules' per-loop work (dp.h vgw_dp_loop_hook): start-up, then
 * read-only. */
#define LOOP_HOOKS 4
static vgw_dp_loop_fn loop_hooks[LOOP_HOOKS];
static unsigned int n_loop_hooks;

int vgw_dp_loop_hook(vgw_dp_loop_fn fn)
{
	for (unsigned int i = 0; i < n_loop_hooks; i++)
		if (loop_hooks[i] == fn)
			return 0; /* a module initialised again (tests) */
	if (n_loop_hooks == LOOP_HOOKS)
		return -1;
	loop_hooks[n_loop_hooks++] = fn;
	return 0;
}

/* Frames the slow path built whole (ARP, resolved queues): sent as they are. */
static unsigned int drain_inject(struct vgw_worker *w)
{
	struct rte_mbuf *ms[VGW_BURST];
	unsigned int total = 0;
	for (int p = 0; p < vgw_gw.n_ports; p++) {
		unsigned int n = rte_ring_sc_dequeue_burst(vgw_gw.ports[p].inject, (void **)ms,
							   VGW_BURST, NULL);
		for (unsigned int i = 0; i < n; i++)
			vgw_dp_tx(w, (uint16_t)p, ms[i]);
		total += n;
	}
	return total;
}

/* Frames the slow path originates into a VPC (health checks): tunnel-out. */
static unsigned int drain_tunnel(struct vgw_worker *w)
{
	struct rte_mbuf *ms[VGW_BURST];
	uint64_t t0 = rte_rdtsc();
	unsigned int n = rte_ring_sc_dequeue_burst(vgw_gw.tunnel, (void **)ms, VGW_BURST, NULL);
	for (unsigned int i = 0; i < n; i++) {
		const struct vgw_dp_mbuf_priv *pr = vgw_dp_mbuf_priv(ms[i]);
		struct vgw_pkt p = {.arg = pr->vni, .seq = (uint8_t)i,
				    .in_port = (uint8_t)(pr->in_port < vgw_gw.n_ports ? pr->in_port : 0)};
		vgw_dp_push(w, VGW_STAGE_TUNNEL_OUT, ms[i], &p);
	}
	if (n)
		vgw_dp_run(w, VGW_STAGE_N, n, t0);
	return n;
}

int vgw_dp_worker_main(void *arg)
{
	struct vgw_worker *w = arg;
	struct rte_mbuf *ms[VGW_BURST];
	struct vgw_ct_worker *lb = w->lb;
	const uint64_t hz = rte_get_tsc_hz();
	lb->now = rte_rdtsc() / hz;
	rte_rcu_qsbr_thread_register(vgw_gw.rcu, w->idx);
	rte_rcu_qsbr_thread_online(vgw_gw.rcu, w->idx);
	uint64_t t_loop = rte_rdtsc();
	const uint32_t sleep_us = vgw_worker_conf.idle_sleep_us;
	const uint32_t idle_polls = vgw_worker_conf.idle_polls ? vgw_worker_conf.idle_polls
							       : VGW_WORKER_IDLE_POLLS;
	uint32_t empty = 0; /* loops in a row that moved nothing */
	/* once before the first packets too: the modules' clocks start now */
	for (unsigned int h = 0; h < n_loop_hooks; h++)
		loop_hooks[h](w, lb->now);

	while (!atomic_load_explicit(&vgw_gw.stop, memory_order_relaxed)) {
		unsigned int moved = 0;
		vgw_trace_loop(w);
		for (int q = 0; q < w->n_rxq; q++) {
			uint16_t port = w->rxq[q].port;
			w->burst++; /* a new burst: memos (memo.h) start empty */
			uint16_t n = rte_eth_rx_burst(vgw_gw.ports[port].id, w->rxq[q].queue, ms,
						      VGW_BURST);
			w->stats[port].rx += n;
			if (unlikely(w->trace_on) && n)
				vgw_trace_rx(w, port, w->rxq[q].queue, ms, n);
			if (n)
				vgw_dp_rx_burst(w, port, ms, n);
			moved += n;
		}
		w->burst++;
		if (w->idx == 0) {
			moved += drain_inject(w);
			moved += drain_tunnel(w);
		}
		if (vgw_gw.n_workers > 1)
			moved += vgw_dp_handoff_drain(w);
		lb->now = rte_rdtsc() / hz;
		if (lb->ct->n) /* an empty table has nothing to expire */
			vgw_ct_age(lb->ct, lb->now, CT_AGE_BUDGET, on_expire, lb);
		for (unsigned int h = 0; h < n_loop_hooks; h++)
			loop_hooks[h](w, lb->now);
		for (int p = 0; p < vgw_gw.n_ports; p++)
			rte_eth_tx_buffer_flush(vgw_gw.ports[p].id, (uint16_t)w->idx, w->txb[p]);
#ifdef VGW_TEST_HOOKS
		vgw_debug_stall_point(w->idx); /* debug worker-stall: a hang on purpose */
#endif
		rte_rcu_qsbr_quiescent(vgw_gw.rcu, w->idx);
		/* `worker idle-sleep` (worker.h): only after a run of empty
		 * loops, so a loaded worker never gets here; the quiescent
		 * state above is reported first, and the TX buffers are empty */
		if (moved) {
			empty = 0;
		} else if (unlikely(sleep_us) && ++empty >= idle_polls) {
			rte_delay_us_sleep(sleep_us);
			w->rt.sleeps++;
		}
		/* busy or idle (a sleep is idle): the loop's own time, for show runtime */
		uint64_t now = rte_rdtsc();
		w->rt.loops++;
		if (moved)
			w->rt.busy_cycles += now - t_loop;
		else
			w->rt.idle_cycles += now - t_loop;
		t_loop = now;
	}

	rte_rcu_qsbr_thread_offline(vgw_gw.rcu, w->idx);
	rte_rcu_qsbr_thread_unregister(vgw_gw.rcu, w->idx);
	return 0;
}
