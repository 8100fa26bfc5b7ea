/* Linux side of a host port, configured over rtnetlink (libmnl): the link's
 * MTU, MAC and flags, and its IPv4 addresses.
 *
 * Why netlink and not ioctls or `ip`: one request per change with the
 * kernel's own error code in the answer, no child process, and the same
 * socket serves every change of a start-up.
 * Contract: main thread, at start-up (blocking calls). */
#ifndef VGW_HOST_NL_H
#define VGW_HOST_NL_H

#include <stdint.h>

struct mnl_socket;

/* A NETLINK_ROUTE socket; NULL with err. */
struct mnl_socket *vgw_host_nl_open(char *err);
void vgw_host_nl_close(struct mnl_socket *nl);

/* RTM_NEWLINK on ifindex: MTU and MAC (mac NULL: unchanged), and the
 * interface flags in `change` set to their value in `flags` (IFF_NOARP,
 * IFF_UP). 0, or -1 with err. */
int vgw_host_nl_link(struct mnl_socket *nl, int ifindex, uint16_t mtu, const uint8_t *mac,
		     unsigned int flags, unsigned int change, char *err);
/* Adds (or keeps) IPv4 address ip/plen (host order) on ifindex. */
int vgw_host_nl_addr(struct mnl_socket *nl, int ifindex, uint32_t ip, uint8_t plen,
		     char *err);

#endif
