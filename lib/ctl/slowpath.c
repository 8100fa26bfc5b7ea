/* Slow-path loop: see slowpath.h. */
#include "slowpath.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <rte_log.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "../announce/announce_ctl.h"
#include "../xdp/xdp_ctl.h"
#include "../core/defer.h"
#include "../core/gw.h"
#include "../host/host.h"
#include "../lb/health.h"
#include "../addr/pubaddr.h"
#include "../neigh/neigh.h"
#include "../rtnl/neigh_follow.h"
#include "../rtnl/rtnl_follow.h"
#include "../vpc/vpc.h"
#include "ctl_server.h"

#define TAG_SIGNAL 2ull
#define TAG_RTNL 3ull
#define TAG_KNEIGH 4ull
#define TICK_MS 100

uint64_t vgw_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void sp_tx(uint16_t port, struct rte_mbuf *m)
{
	if (rte_ring_sp_enqueue(vgw_gw.ports[port].inject, m) != 0) {
		vgw_gw.sp_stats[VGW_SP_INJECT_RING_FULL]++;
		rte_pktmbuf_free(m);
	}
}

static struct rte_mbuf *sp_alloc(void)
{
	return rte_pktmbuf_alloc(vgw_gw.pool);
}

static void sp_count(int counter, uint64_t n)
{
	vgw_gw.sp_stats[counter] += n;
}

/* EIPs and VIPs are answered by proxy ARP on public ports only: a router
 * on the public subnet may ARP for them instead of routing them to us. */
static bool sp_proxied(uint16_t port, uint32_t ip)
{
	if (vgw_gw.ports[port].role != VGW_ROLE_PUBLIC)
		return false;
	return vgw_pubaddr_find(ip) != NULL;
}

const struct vgw_neigh_ops vgw_slowpath_neigh_ops = {
	.tx = sp_tx,
	.alloc = sp_alloc,
	.count = sp_count,
	.proxied = sp_proxied,
	.kernel_resolve = vgw_neigh_follow_resolve,
};

/* Health-check frames go to worker 0, which tunnels them; priv.in_port names
 * an underlay port so that a drop on the way is counted where it belongs. */
static void sp_tunnel_tx(struct rte_mbuf *m)
{
	struct vgw_mbuf_priv *pr = rte_mbuf_to_priv(m);
	pr->in_port = 0;
	for (int p = 0; p < vgw_gw.n_ports; p++)
		if (vgw_gw.ports[p].role == VGW_ROLE_UNDERLAY) {
			pr->in_port = (uint16_t)p;
			break;
		}
	if (rte_ring_sp_enqueue(vgw_gw.tunnel, m) != 0) {
		vgw_gw.sp_stats[VGW_SP_TUNNEL_RING_FULL]++;
		rte_pktmbuf_free(m);
	}
}

static const struct vgw_health_ops health_ops = {
	.alloc = sp_alloc,
	.tunnel_tx = sp_tunnel_tx,
	.count = sp_count,
};

void vgw_slowpath_announce(uint32_t ip)
{
	for (int p = 0; p < vgw_gw.n_ports; p++)
		if (vgw_gw.ports[p].role == VGW_ROLE_PUBLIC && vgw_gw.ports[p].inject)
			vgw_neigh_announce(vgw_gw.neigh, (uint16_t)p, ip);
}

/* One burst from every worker's ring of every reason (so no reason can hold
 * the others off here either); true when a ring gave a full burst (more may
 * be waiting). */
static bool drain_punts(uint64_t now)
{
	struct rte_mbuf *ms[VGW_BURST];
	bool more = false;
	for (unsigned int w = 0; w < vgw_gw.n_workers; w++) {
		for (int r = 1; r < VGW_PUNT_N; r++) {
			unsigned int n = rte_ring_sc_dequeue_burst(vgw_gw.workers[w].punt[r].ring,
								   (void **)ms, VGW_BURST, NULL);
			more |= n == VGW_BURST;
			for (unsigned int i = 0; i < n; i++) {
				struct rte_mbuf *m = ms[i];
				struct vgw_mbuf_priv *pr = rte_mbuf_to_priv(m);
				switch (r) {
				case VGW_PUNT_ARP:
					vgw_neigh_arp_input(vgw_gw.neigh,
							    vgw_gw.port_of_dpdk[m->port], m, now);
					break;
				case VGW_PUNT_NEIGH_MISS:
					vgw_neigh_resolve(vgw_gw.neigh, pr->nh_ip, pr->out_port, m,
							  now);
					break;
				case VGW_PUNT_HEALTH:
					vgw_health_input(m, now);
					break;
				default:
					vgw_host_deliver(pr->in_port, m);
				}
			}
		}
	}
	return more;
}

int vgw_slowpath_run(char *err)
{
	int epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0) {
		snprintf(err, VGW_ERR_LEN, "epoll: %s", strerror(errno));
		return -1;
	}
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	int sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = TAG_SIGNAL};
	if (sfd < 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, sfd, &ev) < 0) {
		snprintf(err, VGW_ERR_LEN, "signalfd: %s", strerror(errno));
		close(epfd);
		return -1;
	}
	ev = (struct epoll_event){.events = EPOLLIN, .data.u64 = TAG_RTNL};
	if (vgw_rtnl_fd() >= 0 && epoll_ctl(epfd, EPOLL_CTL_ADD, vgw_rtnl_fd(), &ev) < 0) {
		snprintf(err, VGW_ERR_LEN, "epoll (netlink): %s", strerror(errno));
		close(sfd);
		close(epfd);
		return -1;
	}
	ev = (struct epoll_event){.events = EPOLLIN, .data.u64 = TAG_KNEIGH};
	if (vgw_neigh_follow_fd() >= 0 &&
	    epoll_ctl(epfd, EPOLL_CTL_ADD, vgw_neigh_follow_fd(), &ev) < 0) {
		snprintf(err, VGW_ERR_LEN, "epoll (netlink neighbours): %s", strerror(errno));
		close(sfd);
		close(epfd);
		return -1;
	}
	if (vgw_ctl_open(vgw_gw.set.socket_path, epfd, err) < 0) {
		close(sfd);
		close(epfd);
		return -1;
	}
	RTE_LOG(NOTICE, USER1, "vgwd ready, control socket %s\n", vgw_gw.set.socket_path);

	vgw_health_init(&health_ops);
	uint64_t next_tick = vgw_now_ms() + TICK_MS;
	bool stop = false, more = false;
	while (!stop) {
		struct epoll_event evs[16];
		/* a backlog in a ring or a tap: no sleep until it is drained */
		int n = epoll_wait(epfd, evs, 16, more ? 0 : 1);
		bool nl_ready = false, kn_ready = false;
		for (int i = 0; i < n; i++) {
			if (evs[i].data.u64 == TAG_SIGNAL) {
				struct signalfd_siginfo si;
				if (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
					RTE_LOG(NOTICE, USER1, "signal %u: stopping\n", si.ssi_signo);
					stop = true;
				}
			} else if (evs[i].data.u64 == TAG_RTNL) {
				nl_ready = true;
			} else if (evs[i].data.u64 == TAG_KNEIGH) {
				kn_ready = true;
			} else {
				vgw_ctl_event(epfd, evs[i].data.u64, evs[i].events);
			}
		}
		uint64_t now = vgw_now_ms();
		more = drain_punts(now);
		more |= vgw_host_poll(now);
		more |= vgw_ctl_poll(now); /* requests left by the per-turn quota */
		vgw_rtnl_poll(nl_ready); /* budgeted: see rtnl_follow.h */
		vgw_neigh_follow_poll(kn_ready); /* budgeted: see neigh_follow.h */
		if (now >= next_tick) {
			vgw_neigh_tick(vgw_gw.neigh, now);
			vgw_health_tick(now);
			vgw_defer_reclaim();
			vgw_announce_tick(now);
			vgw_xdp_map_tick(now);
			next_tick = now + TICK_MS;
		}
	}
	/* workers still run: withdraw before the traffic stops being served */
	vgw_announce_stop(vgw_now_ms());
	vgw_xdp_map_stop();
	vgw_ctl_close(epfd);
	close(sfd);
	close(epfd);
	return 0;
}
