/* Worker lcore main loop: run to completion over its RX queues.
 * One loop iteration: receive a burst from every RX queue it owns, process
 * each packet, (worker 0 only) transmit what the slow path injected and
 * tunnel what it originated into VPCs, process what other workers handed
 * over (flows this worker owns), expire a few connection-table slots, flush
 * the TX buffers, report an RCU quiescent state. Ends when vgw_gw.stop is set. */
#ifndef VGW_DP_WORKER_H
#define VGW_DP_WORKER_H

#include <stdint.h>

/* `worker idle-sleep US` / `worker idle-polls N` (VPP's poll-sleep-usec): a
 * worker whose last idle_polls loops all found nothing sleeps idle_sleep_us
 * after each further empty loop, until a loop moves a packet again. 0 = off
 * (the default: a worker polls without ever sleeping). Under load a loop is
 * never empty, so the loaded data path makes no system call; the cost is on
 * the first packet after an idle spell, delayed by up to the sleep plus the
 * kernel's timer slack (50 us by default) and the wake-up. Written by the
 * start-up settings before the workers launch, read-only after. */
struct vgw_worker_conf {
	uint32_t idle_sleep_us;
	uint32_t idle_polls;
};
extern struct vgw_worker_conf vgw_worker_conf;
/* idle_polls when unset: about a thousand loops is well under a millisecond
 * of polling, so a short gap between packets never sleeps */
#define VGW_WORKER_IDLE_POLLS 1000

/* rte_eal_remote_launch() entry; arg is the struct vgw_worker. */
int vgw_dp_worker_main(void *arg);

#endif
