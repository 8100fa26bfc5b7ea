/* Worker lcore main loop: see worker.h. */
#include "worker.h"

#include "dp.h"
#include "../debug/stall.h"
#include "../lb/lb_worker.h"

/* Connection-table slots each loop looks at for expiry: a full scan of a
 * million entries takes about 16 k loops (milliseconds idle, well under a
 * second under load), far below the shortest timeout (10 s) that matters. */
#define CT_AGE_BUDGET 64

static void on_expire(const struct vgw_ct_entry *e, void *arg)
{
	vgw_lb_conn_ended(arg, e);
}

static void drain_inject(struct vgw_worker *w)
{
	struct rte_mbuf *ms[VGW_BURST];
	for (int p = 0; p < vgw_gw.n_ports; p++) {
		unsigned int n = rte_ring_sc_dequeue_burst(vgw_gw.ports[p].inject, (void **)ms,
							   VGW_BURST, NULL);
		for (unsigned int i = 0; i < n; i++)
			vgw_dp_tx(w, (uint16_t)p, ms[i]);
	}
}

/* Frames the slow path originates into a VPC (health checks). */
static void drain_tunnel(struct vgw_worker *w)
{
	struct rte_mbuf *ms[VGW_BURST];
	unsigned int n = rte_ring_sc_dequeue_burst(vgw_gw.tunnel, (void **)ms, VGW_BURST, NULL);
	for (unsigned int i = 0; i < n; i++)
		vgw_tunnel_originated(w, ms[i]);
}

int vgw_worker_main(void *arg)
{
	struct vgw_worker *w = arg;
	struct rte_mbuf *ms[VGW_BURST];
	struct vgw_lb_worker *lb = w->lb;
	const uint64_t hz = rte_get_tsc_hz();
	lb->now = rte_rdtsc() / hz;
	rte_rcu_qsbr_thread_register(vgw_gw.rcu, w->idx);
	rte_rcu_qsbr_thread_online(vgw_gw.rcu, w->idx);

	while (!atomic_load_explicit(&vgw_gw.stop, memory_order_relaxed)) {
		for (int q = 0; q < w->n_rxq; q++) {
			uint16_t port = w->rxq[q].port;
			w->burst++; /* a new burst: memos (memo.h) start empty */
			uint16_t n = rte_eth_rx_burst(vgw_gw.ports[port].id, w->rxq[q].queue, ms,
						      VGW_BURST);
			w->stats[port].rx += n;
			if (n)
				vgw_rx_burst(w, port, ms, n);
		}
		w->burst++;
		if (w->idx == 0) {
			drain_inject(w);
			drain_tunnel(w);
		}
		if (vgw_gw.n_workers > 1)
			vgw_handoff_drain(w);
		lb->now = rte_rdtsc() / hz;
		vgw_ct_age(lb->ct, lb->now, CT_AGE_BUDGET, on_expire, lb);
		for (int p = 0; p < vgw_gw.n_ports; p++)
			rte_eth_tx_buffer_flush(vgw_gw.ports[p].id, (uint16_t)w->idx, w->txb[p]);
#ifdef VGW_TEST_HOOKS
		vgw_debug_stall_point(w->idx); /* debug worker-stall: a hang on purpose */
#endif
		rte_rcu_qsbr_quiescent(vgw_gw.rcu, w->idx);
	}

	rte_rcu_qsbr_thread_offline(vgw_gw.rcu, w->idx);
	rte_rcu_qsbr_thread_unregister(vgw_gw.rcu, w->idx);
	return 0;
}
