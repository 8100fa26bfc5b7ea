/* rtnetlink requests for the host ports: see host_nl.h. */
#include "host_nl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include "../util/parse.h"

struct mnl_socket *vgw_host_nl_open(char *err)
{
	struct mnl_socket *nl = mnl_socket_open(NETLINK_ROUTE);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		snprintf(err, VGW_ERR_LEN, "netlink socket: %s", strerror(errno));
		if (nl)
			mnl_socket_close(nl);
		return NULL;
	}
	return nl;
}

void vgw_host_nl_close(struct mnl_socket *nl)
{
	if (nl)
		mnl_socket_close(nl);
}

/* Sends one request and waits for its acknowledgement: 0 or -errno. */
static int request(struct mnl_socket *nl, struct nlmsghdr *nlh)
{
	static unsigned int seq;
	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++seq;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	char buf[MNL_SOCKET_BUFFER_SIZE];
	unsigned int portid = mnl_socket_get_portid(nl);
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		/* the ACK ends the exchange: MNL_CB_STOP (0) or an error (-1) */
		int rc = mnl_cb_run(buf, (size_t)n, nlh->nlmsg_seq, portid, NULL, NULL);
		if (rc < 0)
			return -errno;
		if (rc == MNL_CB_STOP)
			return 0;
	}
}

int vgw_host_nl_link(struct mnl_socket *nl, int ifindex, uint16_t mtu, const uint8_t *mac,
		     unsigned int flags, unsigned int change, char *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	ifi->ifi_flags = flags;
	ifi->ifi_change = change;
	if (mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	if (mac)
		mnl_attr_put(nlh, IFLA_ADDRESS, 6, mac);
	int rc = request(nl, nlh);
	if (rc < 0) {
		snprintf(err, VGW_ERR_LEN, "netlink: cannot set link %d (mtu %u%s): %s", ifindex,
			 mtu, (change & IFF_UP) ? ", up" : "", strerror(-rc));
		return -1;
	}
	return 0;
}

int vgw_host_nl_addr(struct mnl_socket *nl, int ifindex, uint32_t ip, uint8_t plen,
		     char *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWADDR;
	/* REPLACE: a tap that outlived a previous run may still hold it */
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_REPLACE;
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = plen;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (unsigned int)ifindex;
	mnl_attr_put_u32(nlh, IFA_LOCAL, htonl(ip));
	mnl_attr_put_u32(nlh, IFA_ADDRESS, htonl(ip));
	int rc = request(nl, nlh);
	if (rc < 0) {
		char a[VGW_PREFIX_STRLEN];
		snprintf(err, VGW_ERR_LEN, "netlink: cannot add address %s: %s",
			 vgw_prefix_str(ip, plen, a), strerror(-rc));
		return -1;
	}
	return 0;
}
