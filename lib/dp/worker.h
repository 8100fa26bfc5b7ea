/* Worker lcore main loop: run to completion over its RX queues.
 * One loop iteration: receive a burst from every RX queue it owns, process
 * each packet, (worker 0 only) transmit what the slow path injected and
 * tunnel what it originated into VPCs, process what other workers handed
 * over (flows this worker owns), expire a few connection-table slots, flush
 * the TX buffers, report an RCU quiescent state. Ends when vgw_gw.stop is set. */
#ifndef VGW_DP_WORKER_H
#define VGW_DP_WORKER_H

/* rte_eal_remote_launch() entry; arg is the struct vgw_worker. */
int vgw_dp_worker_main(void *arg);

#endif
