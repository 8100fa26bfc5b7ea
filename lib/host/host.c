/* Host ports: creation, Linux configuration, tear-down, look-ups (main
 * thread); see host.h. */
#include "host.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_dev.h>
#include <rte_errno.h>
#include <rte_ethdev.h>

#include "../core/gw.h"
#include "../core/log.h"
#include "host_nl.h"

/* main thread only: what vgw_host_close must undo */
static struct {
	bool probed;
	bool started;
} made[VGW_MAX_PORTS];

uint32_t vgw_host_mbufs(void)
{
	uint32_t n = 0;
	for (int i = 0; i < vgw_gw.n_ports; i++)
		if (vgw_gw.ports[i].host_name[0])
			n += VGW_HOST_DESC;
	return n;
}

int vgw_host_ifindex(uint16_t port)
{
	if (port >= vgw_gw.n_ports)
		return 0;
	const struct vgw_port *p = &vgw_gw.ports[port];
	return p->host_ifindex ? p->host_ifindex : p->xdp_ifindex;
}

const char *vgw_host_ifname(uint16_t port)
{
	if (port >= vgw_gw.n_ports)
		return "";
	const struct vgw_port *p = &vgw_gw.ports[port];
	return p->host_name[0] ? p->host_name : p->xdp_iface;
}

int vgw_host_port_of_ifindex(int ifindex)
{
	for (int i = 0; ifindex > 0 && i < vgw_gw.n_ports; i++)
		if (vgw_host_ifindex((uint16_t)i) == ifindex)
			return i;
	return -1;
}

/* The data path is IPv4 only: without this Linux would send router and
 * neighbour solicitations and MLD reports into the slow path. Must happen
 * before the link goes up. No such file = no IPv6 in this kernel: fine. */
static int ipv6_off(const char *ifname, char *err)
{
	char path[128];
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", ifname);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0 || write(fd, "1\n", 2) != 2) {
		snprintf(err, VGW_ERR_LEN, "cannot disable IPv6 (%s): %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* The tap and its DPDK side: one RX and one TX queue for the slow path. */
static int make_tap(int i, uint16_t *id, char *err)
{
	struct vgw_port *p = &vgw_gw.ports[i];
	char name[32], args[128], mac[VGW_MAC_STRLEN];
	snprintf(name, sizeof(name), "net_tap_vgw%d", i);
	snprintf(args, sizeof(args), "%s,iface=%s,mac=%s", name, p->host_name,
		 vgw_mac_str(p->mac.addr_bytes, mac));
	int rc = rte_dev_probe(args);
	if (rc < 0 || rte_eth_dev_get_port_by_name(name, id) != 0) {
		snprintf(err, VGW_ERR_LEN, "cannot create the tap (%s): %s", args,
			 rc < 0 ? rte_strerror(-rc) : "no ethdev created");
		if (rc == 0)
			rte_eal_hotplug_remove("vdev", name);
		return -1;
	}
	made[i].probed = true;
	p->host_id = *id;
	struct rte_eth_conf conf;
	memset(&conf, 0, sizeof(conf));
	rc = rte_eth_dev_configure(*id, 1, 1, &conf);
	if (rc == 0)
		rc = rte_eth_rx_queue_setup(*id, 0, VGW_HOST_DESC, (unsigned int)rte_socket_id(),
					    NULL, vgw_gw.pool);
	if (rc == 0)
		rc = rte_eth_tx_queue_setup(*id, 0, VGW_HOST_DESC, (unsigned int)rte_socket_id(),
					    NULL);
	/* the PMD refuses to write frames longer than its own MTU */
	if (rc == 0)
		rc = rte_eth_dev_set_mtu(*id, p->mtu);
	if (rc != 0) {
		snprintf(err, VGW_ERR_LEN, "cannot set up the tap's queues (MTU %u): %s", p->mtu,
			 rte_strerror(-rc));
		return -1;
	}
	return 0;
}

static int make_one(struct mnl_socket *nl, int i, char *err)
{
	struct vgw_port *p = &vgw_gw.ports[i];
	uint16_t id;
	if (make_tap(i, &id, err) < 0)
		return -1;
	int ifindex = (int)if_nametoindex(p->host_name);
	if (!ifindex) {
		snprintf(err, VGW_ERR_LEN, "no Linux interface %s after creating it: %s",
			 p->host_name, strerror(errno));
		return -1;
	}
	/* NOARP: the data path owns ARP. Linux then addresses every frame to
	 * the tap's own MAC, and the slow path routes it (host_ctl.c). */
	if (ipv6_off(p->host_name, err) < 0 ||
	    vgw_host_nl_link(nl, ifindex, p->mtu, p->mac.addr_bytes, IFF_NOARP, IFF_NOARP,
			     err) < 0)
		return -1;
	for (int a = 0; a < p->n_addrs; a++)
		if (vgw_host_nl_addr(nl, ifindex, p->addrs[a].ip, p->addrs[a].plen, err) < 0)
			return -1;
	int rc = rte_eth_dev_start(id);
	if (rc != 0) {
		snprintf(err, VGW_ERR_LEN, "cannot start the tap: %s", rte_strerror(-rc));
		return -1;
	}
	made[i].started = true;
	if (vgw_host_nl_link(nl, ifindex, 0, NULL, IFF_UP, IFF_UP, err) < 0)
		return -1;
	p->host_ifindex = ifindex;
	return 0;
}

int vgw_host_init(char *err)
{
	/* the HOST punt limit is set with the others (dp/punt.c) */
	struct mnl_socket *nl = NULL;
	for (int i = 0; i < vgw_gw.n_ports; i++) {
		const struct vgw_port *p = &vgw_gw.ports[i];
		if (!p->host_name[0])
			continue;
		char e[VGW_ERR_LEN];
		if (!nl && !(nl = vgw_host_nl_open(e))) {
			snprintf(err, VGW_ERR_LEN, "port %s: host-port %s: %s", p->name,
				 p->host_name, e);
			return -1;
		}
		if (make_one(nl, i, e) < 0) {
			snprintf(err, VGW_ERR_LEN, "port %s: host-port %s: %s", p->name,
				 p->host_name, e);
			vgw_host_nl_close(nl);
			return -1;
		}
		VGW_LOG(INFO, host, "port %s: host port %s (ifindex %d, DPDK port %u)\n", p->name,
			p->host_name, p->host_ifindex, p->host_id);
	}
	vgw_host_nl_close(nl);
	return 0;
}

void vgw_host_close(void)
{
	for (int i = 0; i < vgw_gw.n_ports; i++) {
		struct vgw_port *p = &vgw_gw.ports[i];
		if (made[i].started)
			rte_eth_dev_stop(p->host_id);
		/* closing the tap's file descriptors removes the Linux interface */
		if (made[i].probed)
			rte_eth_dev_close(p->host_id);
		made[i].probed = made[i].started = false;
		p->host_ifindex = 0;
	}
}
