/* The announce anchor: a Linux interface that lives exactly as long as vgwd.
 *
 * Announced routes must vanish when vgwd dies without withdrawing them
 * (SIGKILL, crash), or the routing daemon keeps attracting traffic nobody
 * serves. A host port (a tap vgwd holds open) gives that for free; an af-xdp
 * port's interface belongs to the kernel and outlives vgwd. So, for a public
 * af-xdp port, vgwd opens a non-persistent TUN device ("vgw-ann%d", up,
 * IPv6 off) and names it in the routes: when the process ends, its file
 * descriptor closes, the kernel deletes the device and every route through
 * it, and the daemon withdraws them upstream. Nothing is ever sent to it:
 * the routes sit in the announce table, which no rule routes through.
 *
 * Contract: main thread at start-up (open) and shutdown (close). */
#ifndef VGW_ANNOUNCE_ANCHOR_H
#define VGW_ANNOUNCE_ANCHOR_H

#include <net/if.h>

/* Creates the device; its name and ifindex are returned. fd >= 0, or -1
 * with err. */
int vgw_announce_anchor_open(char name[IFNAMSIZ], unsigned int *ifindex, char *err);
/* Closing the fd is what deletes the device (and its routes). */
void vgw_announce_anchor_close(int fd);

#endif
