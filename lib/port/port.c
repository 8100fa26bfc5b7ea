/* DPDK port bring-up: see port.h. */
#include "port.h"

#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_malloc.h>
#include <rte_ring.h>

#include "../core/gw.h"
#include "../core/log.h"
#include "port_mtu.h"

#define RX_DESC 1024
#define TX_DESC 1024

static int find_port_id(const char *dev, uint16_t *id)
{
	char name[VGW_DEVARGS_LEN];
	snprintf(name, sizeof(name), "%s", dev);
	name[strcspn(name, ",")] = '\0';
	if (rte_eth_dev_get_port_by_name(name, id) == 0)
		return 0;
	return -1;
}

/* The MTU within the device's limits, and its frame within what the device
 * receives (ethdev's own rule: the overhead is max_rx_pktlen - max_mtu when
 * the device gives both, else Ethernet header and CRC). af_packet reports
 * 1518-byte frames whatever its interface takes: its MTU was checked against
 * its frames instead (port_mtu.c). */
static int check_mtu(const struct vgw_port *p, const struct rte_eth_dev_info *info, char *err)
{
	if (p->mtu < info->min_mtu || p->mtu > info->max_mtu) {
		snprintf(err, VGW_ERR_LEN,
			 "port %s: MTU %u is outside what device %s takes (MTU %u-%u)%s", p->name,
			 p->mtu, info->device ? rte_dev_name(info->device) : p->dev, info->min_mtu,
			 info->max_mtu, p->xdp_iface[0] ? "; lower the interface's MTU" : "");
		return -1;
	}
	if (vgw_port_is_af_packet(p->dev) || p->xdp_iface[0])
		return 0;
	uint32_t overhead = info->max_mtu != UINT16_MAX && info->max_rx_pktlen > info->max_mtu
				    ? info->max_rx_pktlen - info->max_mtu
				    : RTE_ETHER_HDR_LEN + RTE_ETHER_CRC_LEN;
	if (p->mtu + overhead > info->max_rx_pktlen) {
		snprintf(err, VGW_ERR_LEN,
			 "port %s: MTU %u is more than device %s takes (frames of %u bytes: MTU %u "
			 "at most)", p->name, p->mtu,
			 info->device ? rte_dev_name(info->device) : p->dev, info->max_rx_pktlen,
			 info->max_rx_pktlen - overhead);
		return -1;
	}
	return 0;
}

static int setup_one(int i, char *err)
{
	struct vgw_port *p = &vgw_gw.ports[i];
	uint16_t id;
	if (find_port_id(p->dev, &id) < 0) {
		int rc = rte_dev_probe(p->dev);
		if (rc < 0 || find_port_id(p->dev, &id) < 0) {
			snprintf(err, VGW_ERR_LEN, "port %s: cannot probe '%s': %s", p->name, p->dev,
				 rc < 0 ? rte_strerror(-rc) : "no ethdev created");
			return -1;
		}
	}
	p->id = id;
	p->probed = true;
	vgw_gw.port_of_dpdk[id] = (uint16_t)i;

	struct rte_eth_dev_info info;
	int rc = rte_eth_dev_info_get(id, &info);
	if (rc != 0) {
		snprintf(err, VGW_ERR_LEN, "port %s: no device info: %s", p->name, rte_strerror(-rc));
		return -1;
	}
	unsigned int nw = vgw_gw.n_workers;
	if (info.max_tx_queues < nw) {
		snprintf(err, VGW_ERR_LEN,
			 "port %s: device has %u TX queues, vgwd needs one per worker (%u)%s",
			 p->name, info.max_tx_queues, nw,
			 strncmp(p->dev, "net_af_packet", 13) == 0 ? "; add qpairs=N to dev" : "");
		return -1;
	}
	p->nb_rxq = (uint16_t)(info.max_rx_queues < nw ? info.max_rx_queues : nw);

	struct rte_eth_conf conf;
	memset(&conf, 0, sizeof(conf));
	uint64_t rss = info.flow_type_rss_offloads & (RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP |
							RTE_ETH_RSS_UDP);
	if (p->nb_rxq > 1 && rss) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf = rss;
	}
	/* the outer IPv4 checksum of VXLAN: the NIC's when it offers it */
	if (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM) {
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_IPV4_CKSUM;
		p->tx_ip_cksum = true;
	}
	if (check_mtu(p, &info, err) < 0)
		return -1;
	/* an af-xdp or af_packet port's MTU is its kernel interface's
	 * (port_mtu.c read it): vgwd does not reconfigure that interface */
	bool kernel_mtu = p->xdp_iface[0] || vgw_port_is_af_packet(p->dev);
	if (!kernel_mtu)
		conf.rxmode.mtu = p->mtu; /* what a device without mtu_set keeps */
	rc = rte_eth_dev_configure(id, p->nb_rxq, (uint16_t)nw, &conf);
	if (rc != 0) {
		snprintf(err, VGW_ERR_LEN, "port %s: configure failed: %s", p->name, rte_strerror(-rc));
		return -1;
	}
	rc = kernel_mtu ? 0 : rte_eth_dev_set_mtu(id, p->mtu);
	if (rc != 0 && rc != -ENOTSUP) {
		snprintf(err, VGW_ERR_LEN, "port %s: the device refuses MTU %u: %s (it takes MTU %u-%u)",
			 p->name, p->mtu, rte_strerror(-rc), info.min_mtu, info.max_mtu);
		return -1;
	}
	uint16_t nrx = RX_DESC, ntx = TX_DESC;
	rte_eth_dev_adjust_nb_rx_tx_desc(id, &nrx, &ntx);
	int socket = rte_eth_dev_socket_id(id);
	if (socket < 0)
		socket = (int)rte_socket_id();
	for (uint16_t q = 0; q < p->nb_rxq; q++) {
		rc = rte_eth_rx_queue_setup(id, q, nrx, (unsigned int)socket, NULL, vgw_gw.pool);
		if (rc != 0) {
			snprintf(err, VGW_ERR_LEN, "port %s: RX queue %u: %s", p->name, q,
				 rte_strerror(-rc));
			return -1;
		}
	}
	for (uint16_t q = 0; q < nw; q++) {
		rc = rte_eth_tx_queue_setup(id, q, ntx, (unsigned int)socket, NULL);
		if (rc != 0) {
			snprintf(err, VGW_ERR_LEN, "port %s: TX queue %u: %s", p->name, q,
				 rte_strerror(-rc));
			return -1;
		}
	}
	if (p->mac_configured) {
		rc = rte_eth_dev_default_mac_addr_set(id, &p->mac);
		if (rc != 0)
			VGW_LOG(INFO, port,
				"port %s: device keeps its MAC (%s); vgwd uses the configured one\n",
				p->name, rte_strerror(-rc));
	} else {
		rte_eth_macaddr_get(id, &p->mac);
	}
	/* the software MAC check in eth input decides what is ours; an af-xdp
	 * port sees only what the XDP program steers to it, and promiscuous
	 * mode there would be the kernel interface's */
	if (!p->xdp_iface[0])
		rte_eth_promiscuous_enable(id);

	char name[RTE_RING_NAMESIZE];
	snprintf(name, sizeof(name), "vgw_inject%d", i);
	p->inject = rte_ring_create(name, VGW_INJECT_RING_SIZE, socket,
				    RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (!p->inject) {
		snprintf(err, VGW_ERR_LEN, "port %s: cannot create inject ring", p->name);
		return -1;
	}
	for (unsigned int w = 0; w < nw; w++) {
		struct vgw_worker *wk = &vgw_gw.workers[w];
		wk->txb[i] = rte_zmalloc_socket("vgw_txb", RTE_ETH_TX_BUFFER_SIZE(VGW_BURST), 0,
						socket);
		if (!wk->txb[i]) {
			snprintf(err, VGW_ERR_LEN, "port %s: out of memory for TX buffers", p->name);
			return -1;
		}
		rte_eth_tx_buffer_init(wk->txb[i], VGW_BURST);
		rte_eth_tx_buffer_set_err_callback(wk->txb[i], rte_eth_tx_buffer_count_callback,
						   &wk->stats[i].drop[VGW_DROP_TX_FULL]);
		if (w < p->nb_rxq) {
			wk->rxq[wk->n_rxq].port = (uint16_t)i;
			wk->rxq[wk->n_rxq].queue = (uint16_t)w;
			wk->n_rxq++;
		}
	}
	return 0;
}

int vgw_port_init(char *err)
{
	for (int i = 0; i < vgw_gw.n_ports; i++)
		if (setup_one(i, err) < 0)
			return -1;
	return 0;
}

int vgw_port_start(char *err)
{
	for (int i = 0; i < vgw_gw.n_ports; i++) {
		struct vgw_port *p = &vgw_gw.ports[i];
		int rc = rte_eth_dev_start(p->id);
		if (rc != 0) {
			snprintf(err, VGW_ERR_LEN, "port %s: start failed: %s", p->name,
				 rte_strerror(-rc));
			return -1;
		}
		/* show port and the data path use the MTU the device runs at;
		 * a device that changed it on start is not what was configured */
		uint16_t mtu;
		if (p->xdp_iface[0] || vgw_port_is_af_packet(p->dev) ||
		    rte_eth_dev_get_mtu(p->id, &mtu) != 0 || mtu == p->mtu)
			continue;
		snprintf(err, VGW_ERR_LEN, "port %s: the device runs at MTU %u, not %u", p->name, mtu,
			 p->mtu);
		return -1;
	}
	return 0;
}

void vgw_port_close(void)
{
	for (int i = 0; i < vgw_gw.n_ports; i++) {
		struct vgw_port *p = &vgw_gw.ports[i];
		if (!p->probed)
			continue; /* start-up failed before this one */
		rte_eth_dev_stop(p->id);
		rte_eth_dev_close(p->id);
		p->probed = false;
		if (p->inject) {
			struct rte_mbuf *m;
			while (rte_ring_dequeue(p->inject, (void **)&m) == 0)
				rte_pktmbuf_free(m);
			rte_ring_free(p->inject);
			p->inject = NULL;
		}
	}
}
