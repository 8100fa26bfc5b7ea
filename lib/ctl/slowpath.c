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

#include "../core/defer.h"
#include "../core/gw.h"
#include "../core/log.h"
#include "../core/module.h"
#include "../core/sd_notify.h"
#include "ctl_server.h"

/* epoll tags: the signalfd, a module's descriptor (TAG_MODULE + its index in
 * vgw_modules); anything else is the control socket's (ctl_server.h:
 * VGW_CTL_TAG_LISTEN below, VGW_CTL_TAG_CLIENT + i above these) */
#define TAG_SIGNAL 2ull
#define TAG_MODULE 16ull
#define MAX_MODULES 64
_Static_assert(TAG_MODULE + MAX_MODULES <= VGW_CTL_TAG_CLIENT && TAG_SIGNAL != VGW_CTL_TAG_LISTEN,
	       "epoll tags overlap");
#define TICK_MS 100

uint64_t vgw_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void vgw_slowpath_tick(uint64_t now)
{
	VGW_FOREACH_MODULE(mod)
		if (mod->tick)
			mod->tick(now);
	vgw_defer_reclaim();
}

/* One burst from every worker's ring of every reason (so no reason can hold
 * the others off here either); true when a ring gave a full burst (more may
 * be waiting). */
static bool drain_punts(const struct vgw_punt_handler *const *handler, uint64_t now)
{
	struct rte_mbuf *ms[VGW_BURST];
	bool more = false;
	for (unsigned int w = 0; w < vgw_gw.n_workers; w++) {
		for (int r = 1; r < VGW_PUNT_N; r++) {
			unsigned int n = rte_ring_sc_dequeue_burst(vgw_gw.workers[w].punt[r].ring,
								   (void **)ms, VGW_BURST, NULL);
			more |= n == VGW_BURST;
			for (unsigned int i = 0; i < n; i++) {
				/* no handler: a reason no module serves (not punted
				 * by this build's data path) */
				if (handler[r])
					handler[r]->fn(ms[i], now);
				else
					rte_pktmbuf_free(ms[i]);
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
	sigaddset(&set, SIGHUP);
	int sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = TAG_SIGNAL};
	if (sfd < 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, sfd, &ev) < 0) {
		snprintf(err, VGW_ERR_LEN, "signalfd: %s", strerror(errno));
		close(epfd);
		return -1;
	}
	/* the modules' descriptors, and who serves each punt reason */
	const struct vgw_punt_handler *handler[VGW_PUNT_N] = {NULL};
	int n_mod = 0;
	VGW_FOREACH_MODULE(mod) {
		if (n_mod == MAX_MODULES) {
			snprintf(err, VGW_ERR_LEN, "more than %d modules", MAX_MODULES);
			close(sfd);
			close(epfd);
			return -1;
		}
		for (const struct vgw_punt_handler *h = mod->punts; h && h->fn; h++)
			handler[h->reason] = h;
		int fd = mod->fd ? mod->fd() : -1;
		ev = (struct epoll_event){.events = EPOLLIN, .data.u64 = TAG_MODULE + (uint64_t)n_mod};
		n_mod++;
		if (fd >= 0 && epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
			snprintf(err, VGW_ERR_LEN, "epoll (%s): %s", mod->name, strerror(errno));
			close(sfd);
			close(epfd);
			return -1;
		}
	}
	if (vgw_ctl_open(vgw_gw.set.socket_path, epfd, err) < 0) {
		close(sfd);
		close(epfd);
		return -1;
	}
	VGW_LOG(NOTICE, ctl, "vgwd ready, control socket %s\n", vgw_gw.set.socket_path);
	/* the ports are started and the startup commands applied (app/vgwd/
	 * main.c), the socket answers: a Type=notify unit is up only now */
	if (vgw_sd_notify("READY=1") < 0)
		VGW_LOG(WARNING, ctl, "sd_notify READY=1: %s\n", strerror(errno));

	uint64_t next_tick = vgw_now_ms() + TICK_MS;
	bool stop = false, more = false;
	while (!stop) {
		struct epoll_event evs[16];
		/* a backlog in a ring or a tap: no sleep until it is drained */
		int n = epoll_wait(epfd, evs, 16, more ? 0 : 1);
		bool ready[MAX_MODULES] = {false};
		for (int i = 0; i < n; i++) {
			uint64_t tag = evs[i].data.u64;
			if (tag == TAG_SIGNAL) {
				struct signalfd_siginfo si;
				if (read(sfd, &si, sizeof(si)) != (ssize_t)sizeof(si))
					continue;
				/* the startup file's settings shape EAL and the
				 * ports: they cannot be re-read in place, and a
				 * reload that half applies would be worse */
				if (si.ssi_signo == SIGHUP) {
					VGW_LOG(NOTICE, ctl, "SIGHUP ignored: restart to apply "
						"the startup file\n");
					continue;
				}
				VGW_LOG(NOTICE, ctl, "signal %u: stopping\n", si.ssi_signo);
				vgw_sd_notify("STOPPING=1");
				stop = true;
			} else if (tag >= TAG_MODULE && tag < TAG_MODULE + MAX_MODULES) {
				ready[tag - TAG_MODULE] = true;
			} else {
				vgw_ctl_event(epfd, tag, evs[i].events);
			}
		}
		uint64_t now = vgw_now_ms();
		more = drain_punts(handler, now);
		more |= vgw_ctl_poll(now); /* requests left by the per-turn quota */
		int i = 0;
		VGW_FOREACH_MODULE(mod) {
			if (mod->poll)
				more |= mod->poll(ready[i], now);
			i++;
		}
		if (now >= next_tick) {
			vgw_slowpath_tick(now);
			next_tick = now + TICK_MS;
		}
	}
	/* workers still run: in reverse start-up order (announcements are
	 * withdrawn before the traffic stops being served) */
	uint64_t now = vgw_now_ms();
	for (int i = n_mod - 1; i >= 0; i--)
		if (vgw_modules[i]->stop)
			vgw_modules[i]->stop(now);
	vgw_ctl_close(epfd);
	close(sfd);
	close(epfd);
	return 0;
}
