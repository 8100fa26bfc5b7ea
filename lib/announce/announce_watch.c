/* Worker liveness state machine: see announce_watch.h. */
#include "announce_watch.h"

void vgw_announce_watch_init(struct vgw_announce_watch *w, uint64_t now_ms)
{
	*w = (struct vgw_announce_watch){.state = VGW_ANNOUNCE_W_STARTING, .since_ms = now_ms};
}

unsigned int vgw_announce_watch_step(struct vgw_announce_watch *w, uint64_t now_ms, bool passed)
{
	unsigned int ev = 0;
	if (!w->armed) {
		w->armed = true;
		w->armed_ms = now_ms;
		return VGW_ANNOUNCE_WATCH_START;
	}
	/* The pass is looked at before the age: after a slow-path hiccup (a
	 * long command, a big netlink batch) the token is old but passed, and
	 * the workers were fine all along. */
	if (passed) {
		if (w->state == VGW_ANNOUNCE_W_STALLED)
			ev |= VGW_ANNOUNCE_WATCH_RECOVERED;
		else if (w->state == VGW_ANNOUNCE_W_STARTING)
			ev |= VGW_ANNOUNCE_WATCH_ALIVE;
		if (w->state != VGW_ANNOUNCE_W_RUNNING) {
			w->state = VGW_ANNOUNCE_W_RUNNING;
			w->since_ms = now_ms;
		}
		w->armed_ms = now_ms;
		return ev | VGW_ANNOUNCE_WATCH_START;
	}
	if (w->state != VGW_ANNOUNCE_W_STALLED && now_ms - w->armed_ms > VGW_ANNOUNCE_STALL_MS) {
		w->state = VGW_ANNOUNCE_W_STALLED;
		w->since_ms = now_ms;
		ev |= VGW_ANNOUNCE_WATCH_STALLED;
	}
	return ev;
}

const char *vgw_announce_workers_name(uint8_t state)
{
	static const char *const names[] = {"starting", "running", "stalled"};
	return state < sizeof(names) / sizeof(names[0]) ? names[state] : "?";
}
