/* Port MTUs: see port_mtu.h. */
#include "port_mtu.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rte_mbuf_core.h>

#include "../util/parse.h"

bool vgw_port_is_af_packet(const char *dev)
{
	return strncmp(dev, "net_af_packet", 13) == 0 || strncmp(dev, "eth_af_packet", 13) == 0;
}

bool vgw_port_devarg(const char *dev, const char *key, char *out, size_t n)
{
	size_t klen = strlen(key);
	const char *p = strchr(dev, ',');
	while (p) {
		p++;
		size_t len = strcspn(p, ",");
		if (len > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
			snprintf(out, n, "%.*s", (int)(len - klen - 1), p + klen + 1);
			return true;
		}
		p = strchr(p, ',');
	}
	return false;
}

unsigned int vgw_port_af_packet_framesz(const char *dev)
{
	char v[32];
	if (!vgw_port_devarg(dev, "framesz", v, sizeof(v)))
		return VGW_PORT_AF_PACKET_FRAMESZ;
	/* atoi, as the PMD reads it */
	int x = atoi(v);
	return x > 0 ? (unsigned int)x : 0;
}

/* The devargs that make af_packet frames hold mtu: whole pages, one frame
 * a block (the kernel wants blocks of pages, the PMD frames end to end). */
static void framesz_hint(unsigned int mtu, char *buf, size_t n)
{
	unsigned int page = (unsigned int)getpagesize();
	unsigned int f = (mtu + VGW_PORT_AF_PACKET_HDR + page - 1) / page * page;
	snprintf(buf, n, "framesz=%u,blocksz=%u", f, f);
}

/* af_packet frames of framesz bytes must hold mtu, and an mbuf must hold
 * the frame (the PMD refuses an RX queue otherwise). */
static int af_packet_fits(const struct vgw_port *p, unsigned int mtu, const char *whose,
			  char *err)
{
	unsigned int f = vgw_port_af_packet_framesz(p->dev);
	if (f < VGW_PORT_AF_PACKET_HDR + VGW_PORT_MTU_MIN ||
	    f - VGW_PORT_AF_PACKET_RX_HDR + RTE_PKTMBUF_HEADROOM > UINT16_MAX) {
		snprintf(err, VGW_ERR_LEN, "port %s: af_packet framesz %u is out of range (%u-%u)",
			 p->name, f, VGW_PORT_AF_PACKET_HDR + VGW_PORT_MTU_MIN,
			 UINT16_MAX - RTE_PKTMBUF_HEADROOM + VGW_PORT_AF_PACKET_RX_HDR);
		return -1;
	}
	/* the PMD finds frame i at i * framesz: blocks must hold whole frames */
	char v[32];
	unsigned int b = vgw_port_devarg(p->dev, "blocksz", v, sizeof(v)) ? (unsigned int)atoi(v)
								      : (unsigned int)getpagesize();
	if (b == 0 || b % f != 0) {
		snprintf(err, VGW_ERR_LEN,
			 "port %s: af_packet blocksz %u is not a multiple of framesz %u (the PMD "
			 "reads frames end to end)", p->name, b, f);
		return -1;
	}
	if (mtu > f - VGW_PORT_AF_PACKET_HDR) {
		char hint[64];
		framesz_hint(mtu, hint, sizeof(hint));
		snprintf(err, VGW_ERR_LEN,
			 "port %s: %sMTU %u does not fit af_packet frames of %u bytes (MTU %u at "
			 "most): add %s to dev", p->name, whose, mtu, f, f - VGW_PORT_AF_PACKET_HDR, hint);
		return -1;
	}
	return 0;
}

int vgw_port_mtu_check(const struct vgw_port *p, char *err)
{
	if (p->mtu_conf && vgw_port_is_af_packet(p->dev))
		return af_packet_fits(p, p->mtu_conf, "", err);
	if (vgw_port_is_af_packet(p->dev))
		return af_packet_fits(p, VGW_PORT_MTU_MIN, "", err); /* framesz sane */
	return 0;
}

uint32_t vgw_port_data_room(void)
{
	uint32_t room = RTE_MBUF_DEFAULT_DATAROOM;
	for (int i = 0; i < vgw_gw.n_ports; i++) {
		const struct vgw_port *p = &vgw_gw.ports[i];
		uint32_t need = (uint32_t)p->mtu + VGW_PORT_FRAME_OVERHEAD;
		if (vgw_port_is_af_packet(p->dev)) {
			uint32_t f = vgw_port_af_packet_framesz(p->dev);
			if (f > VGW_PORT_AF_PACKET_RX_HDR && f - VGW_PORT_AF_PACKET_RX_HDR > need)
				need = f - VGW_PORT_AF_PACKET_RX_HDR;
		}
		if (need > room)
			room = need;
	}
	return room;
}

int vgw_port_iface_mtu(const char *ifname, unsigned int *mtu, char *err)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, VGW_ERR_LEN, "socket: %s", strerror(errno));
		return -1;
	}
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	int rc = ioctl(fd, SIOCGIFMTU, &ifr);
	int e = errno;
	close(fd);
	if (rc < 0) {
		snprintf(err, VGW_ERR_LEN, "cannot read the MTU of %s: %s", ifname, strerror(e));
		return -1;
	}
	*mtu = (unsigned int)ifr.ifr_mtu;
	return 0;
}

int vgw_port_kernel_mtu(char *err)
{
	for (int i = 0; i < vgw_gw.n_ports; i++) {
		struct vgw_port *p = &vgw_gw.ports[i];
		unsigned int mtu;
		char e[VGW_ERR_LEN];
		if (p->xdp_iface[0]) {
			/* xdp_port.c reads it again and refuses what is out of
			 * range; here it only sizes the mbufs */
			if (vgw_port_iface_mtu(p->xdp_iface, &mtu, e) == 0 &&
			    mtu >= VGW_PORT_MTU_MIN && mtu <= VGW_PORT_MTU_MAX)
				p->mtu = (uint16_t)mtu;
			continue;
		}
		if (!vgw_port_is_af_packet(p->dev))
			continue;
		char ifname[IF_NAMESIZE];
		if (!vgw_port_devarg(p->dev, "iface", ifname, sizeof(ifname)))
			continue; /* the PMD refuses it when probing */
		if (vgw_port_iface_mtu(ifname, &mtu, e) < 0) {
			snprintf(err, VGW_ERR_LEN, "port %s: %s", p->name, e);
			return -1;
		}
		if (p->mtu_conf && mtu != p->mtu_conf) {
			snprintf(err, VGW_ERR_LEN,
				 "port %s: MTU %u configured, but its af_packet interface %s has MTU "
				 "%u (af_packet cannot change it): ip link set %s mtu %u, or mtu %u "
				 "on the port", p->name, p->mtu_conf, ifname, mtu, ifname,
				 p->mtu_conf, mtu);
			return -1;
		}
		if (mtu < VGW_PORT_MTU_MIN || mtu > VGW_PORT_MTU_MAX) {
			snprintf(err, VGW_ERR_LEN, "port %s: %s has MTU %u; vgwd supports %u-%u",
				 p->name, ifname, mtu, VGW_PORT_MTU_MIN, VGW_PORT_MTU_MAX);
			return -1;
		}
		if (af_packet_fits(p, mtu, "the interface's ", err) < 0)
			return -1;
		p->mtu = (uint16_t)mtu;
	}
	return 0;
}
