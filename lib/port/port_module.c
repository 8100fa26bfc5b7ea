/* The port module: `port` settings (the ports EAL probes), their running
 * config, and the ports' start-up and shut-down (core/module.h). */
#include <stdio.h>
#include <string.h>

#include <rte_mbuf.h>

#include "../cli/cli.h"
#include "../conf/settings.h"
#include "../core/gw.h"
#include "../core/module.h"
#include "../net/ip4.h"
#include "port.h"
#include "port_flow.h"
#include "port_mtu.h"

/* An existing Linux interface (af-xdp): the kernel's rules (dev_valid_name)
 * narrowed to what shells and our grammar handle: letters, digits, '-', '_'
 * and '.' (VLANs: eth0.100), not "." or "..". */
static bool valid_ifname(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n >= VGW_PORT_NAME_LEN || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.'))
			return false;
	}
	return true;
}

static bool valid_name(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n >= VGW_PORT_NAME_LEN)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return false;
	}
	return true;
}

/* Two subnets overlap when either contains the other's network address. */
static bool overlaps(uint32_t a, uint8_t al, uint32_t b, uint8_t bl)
{
	uint8_t l = al < bl ? al : bl;
	uint32_t m = vgw_prefix_mask(l);
	return (a & m) == (b & m);
}

/* port NAME dev DEVARGS role public|underlay [mac MAC] [mtu N] [host-port IFNAME]
 *      address A/L [address ...]
 *   (mtu: 576-9000, default 1500, an af_packet device's interface's MTU;
 *   see port/port_mtu.h)
 * port NAME af-xdp IFNAME role public|underlay address A/L [address ...]
 *   (the kernel keeps IFNAME: its MAC and MTU are the port's) */
static int port_line(int argc, char **argv, char *err)
{
	if (vgw_gw.n_ports == VGW_MAX_PORTS) {
		snprintf(err, VGW_ERR_LEN, "at most %d ports", VGW_MAX_PORTS);
		return -1;
	}
	if (argc < 2 || !valid_name(argv[1])) {
		snprintf(err, VGW_ERR_LEN, "port: name must be 1-%d letters, digits, '-' or '_'",
			 VGW_PORT_NAME_LEN - 1);
		return -1;
	}
	if (vgw_port_by_name(argv[1]) >= 0) {
		snprintf(err, VGW_ERR_LEN, "port %s defined twice", argv[1]);
		return -1;
	}
	struct vgw_port p;
	memset(&p, 0, sizeof(p));
	snprintf(p.name, sizeof(p.name), "%s", argv[1]);
	snprintf(p.where, sizeof(p.where), "%s", vgw_startup.where);
	p.mtu = 1500;
	bool have_dev = false, have_role = false, have_mtu = false, have_devargs = false;
	for (int i = 2; i < argc; i += 2) {
		if (i + 1 >= argc) {
			snprintf(err, VGW_ERR_LEN, "port %s: '%s' needs a value", p.name, argv[i]);
			return -1;
		}
		const char *k = argv[i], *v = argv[i + 1];
		if (strcmp(k, "dev") == 0) {
			if (strlen(v) >= sizeof(p.dev)) {
				snprintf(err, VGW_ERR_LEN, "port %s: dev too long", p.name);
				return -1;
			}
			snprintf(p.dev, sizeof(p.dev), "%s", v);
			have_dev = have_devargs = true;
		} else if (strcmp(k, "af-xdp") == 0) {
			if (!valid_ifname(v)) {
				snprintf(err, VGW_ERR_LEN,
					 "port %s: af-xdp needs a Linux interface name of "
					 "1-%d letters, digits, '-', '_' or '.'", p.name,
					 VGW_PORT_NAME_LEN - 1);
				return -1;
			}
			snprintf(p.xdp_iface, sizeof(p.xdp_iface), "%s", v);
			/* the vdev name; the devargs are completed at start-up
			 * (xdp_port.c), when the worker count is known */
			snprintf(p.dev, sizeof(p.dev), "net_af_xdp_%s", v);
			have_dev = true;
		} else if (strcmp(k, "role") == 0) {
			if (strcmp(v, "public") == 0)
				p.role = VGW_ROLE_PUBLIC;
			else if (strcmp(v, "underlay") == 0)
				p.role = VGW_ROLE_UNDERLAY;
			else {
				snprintf(err, VGW_ERR_LEN, "port %s: role must be public or underlay",
					 p.name);
				return -1;
			}
			have_role = true;
		} else if (strcmp(k, "mac") == 0) {
			if (vgw_parse_mac(v, p.mac.addr_bytes, err) < 0)
				return -1;
			if (p.mac.addr_bytes[0] & 1) {
				snprintf(err, VGW_ERR_LEN, "port %s: MAC must be unicast", p.name);
				return -1;
			}
			p.mac_configured = true;
		} else if (strcmp(k, "mtu") == 0) {
			uint64_t mtu;
			if (vgw_parse_u64(v, VGW_PORT_MTU_MIN, VGW_PORT_MTU_MAX, &mtu, err) < 0)
				return -1;
			p.mtu = p.mtu_conf = (uint16_t)mtu;
			have_mtu = true;
		} else if (strcmp(k, "host-port") == 0) {
			if (!valid_name(v)) {
				snprintf(err, VGW_ERR_LEN,
					 "port %s: host-port must be a Linux interface name of "
					 "1-%d letters, digits, '-' or '_'", p.name, VGW_PORT_NAME_LEN - 1);
				return -1;
			}
			snprintf(p.host_name, sizeof(p.host_name), "%s", v);
		} else if (strcmp(k, "address") == 0) {
			if (p.n_addrs == VGW_MAX_ADDRS) {
				snprintf(err, VGW_ERR_LEN, "port %s: at most %d addresses", p.name,
					 VGW_MAX_ADDRS);
				return -1;
			}
			uint32_t ip;
			uint8_t len;
			if (vgw_parse_prefix(v, &ip, &len, 0, err) < 0)
				return -1;
			uint32_t m = vgw_prefix_mask(len);
			if (len == 0 || vgw_ip4_src_martian(ip) ||
			    (len < 31 && ((ip & ~m) == 0 || (ip & ~m) == ~m))) {
				snprintf(err, VGW_ERR_LEN,
					 "port %s: %s is not a usable host address", p.name, v);
				return -1;
			}
			/* subnets must not overlap, on this port or any other */
			for (int q = 0; q <= vgw_gw.n_ports; q++) {
				const struct vgw_port *o = q < vgw_gw.n_ports ? &vgw_gw.ports[q] : &p;
				for (int a = 0; a < o->n_addrs; a++)
					if (overlaps(ip, len, o->addrs[a].ip, o->addrs[a].plen)) {
						snprintf(err, VGW_ERR_LEN,
							 "port %s: %s overlaps an address of port %s",
							 p.name, v, o->name[0] ? o->name : p.name);
						return -1;
					}
			}
			p.addrs[p.n_addrs].ip = ip;
			p.addrs[p.n_addrs].plen = len;
			p.n_addrs++;
		} else {
			snprintf(err, VGW_ERR_LEN,
				 "port %s: unknown key '%s' (dev, af-xdp, role, mac, mtu, host-port, address)", p.name, k);
			return -1;
		}
	}
	if (!have_dev || !have_role) {
		snprintf(err, VGW_ERR_LEN, "port %s: 'dev' (or 'af-xdp') and 'role' are required",
			 p.name);
		return -1;
	}
	if (p.xdp_iface[0]) {
		/* the kernel keeps the interface: it has its own MAC, MTU and
		 * to-self path, and one of dev/af-xdp says what the port is */
		const char *bad = have_devargs ? "dev"
				  : p.mac_configured			 ? "mac"
				  : have_mtu				 ? "mtu"
				  : p.host_name[0]			 ? "host-port"
									 : NULL;
		if (bad) {
			snprintf(err, VGW_ERR_LEN,
				 "port %s: '%s' does not go with af-xdp (the kernel keeps %s: "
				 "its MAC, MTU and own traffic stay the kernel's)",
				 p.name, bad, p.xdp_iface);
			return -1;
		}
	}
	/* what the device can carry (af_packet frames); the mbufs are sized
	 * at start-up for the largest MTU */
	if (vgw_port_mtu_check(&p, err) < 0)
		return -1;
	for (int q = 0; q < vgw_gw.n_ports; q++) {
		const struct vgw_port *o = &vgw_gw.ports[q];
		if (p.host_name[0] && strcmp(o->host_name, p.host_name) == 0) {
			snprintf(err, VGW_ERR_LEN, "port %s: same host-port as port %s", p.name,
				 o->name);
			return -1;
		}
		/* one Linux interface is one port's: an af-xdp interface is
		 * neither another af-xdp port's nor the tap vgwd creates for
		 * another port's host-port */
		if (p.xdp_iface[0] && strcmp(o->xdp_iface, p.xdp_iface) == 0) {
			snprintf(err, VGW_ERR_LEN, "port %s: %s is already the af-xdp interface of port %s",
				 p.name, p.xdp_iface, o->name);
			return -1;
		}
		if (p.xdp_iface[0] && strcmp(o->host_name, p.xdp_iface) == 0) {
			snprintf(err, VGW_ERR_LEN, "port %s: af-xdp %s is the host-port of port %s",
				 p.name, p.xdp_iface, o->name);
			return -1;
		}
		if (p.host_name[0] && strcmp(o->xdp_iface, p.host_name) == 0) {
			snprintf(err, VGW_ERR_LEN, "port %s: host-port %s is the af-xdp interface of port %s",
				 p.name, p.host_name, o->name);
			return -1;
		}
		if (strcmp(o->dev, p.dev) == 0) {
			snprintf(err, VGW_ERR_LEN, "port %s: same dev as port %s", p.name, o->name);
			return -1;
		}
	}
	vgw_gw.ports[vgw_gw.n_ports++] = p;
	return 0;
}

static const struct vgw_setting settings[] = {{"port", port_line}, {NULL, NULL}};

static int port_settings_finish(char *err)
{
	if (vgw_gw.n_ports == 0) {
		snprintf(err, VGW_ERR_LEN, "no port defined");
		return -1;
	}
	return 0;
}

static void port_settings_reset(void)
{
	memset(vgw_gw.ports, 0, sizeof(vgw_gw.ports));
	vgw_gw.n_ports = 0;
}

static void port_settings_config(struct vgw_buf *b)
{
	for (int i = 0; i < vgw_gw.n_ports; i++) {
		const struct vgw_port *p = &vgw_gw.ports[i];
		char buf[VGW_PREFIX_STRLEN];
		if (p->xdp_iface[0])
			vgw_buf_printf(b, "port %s af-xdp %s", p->name, p->xdp_iface);
		else
			vgw_buf_printf(b, "port %s dev %s", p->name, p->dev);
		vgw_buf_printf(b, " role %s", p->role == VGW_ROLE_PUBLIC ? "public" : "underlay");
		if (p->mac_configured) {
			char mac[VGW_MAC_STRLEN];
			vgw_buf_printf(b, " mac %s", vgw_mac_str(p->mac.addr_bytes, mac));
		}
		/* the configured MTU, not the one in effect: an af_packet port
		 * without one takes its interface's at start-up */
		if (p->mtu_conf)
			vgw_buf_printf(b, " mtu %u", p->mtu_conf);
		if (p->host_name[0])
			vgw_buf_printf(b, " host-port %s", p->host_name);
		for (int a = 0; a < p->n_addrs; a++)
			vgw_buf_printf(b, " address %s",
				       vgw_prefix_str(p->addrs[a].ip, p->addrs[a].plen, buf));
		vgw_buf_puts(b, "\n");
	}
}

/* A port's start-up errors begin "port NAME: " (a device that refuses its
 * MTU, queues or devargs): the FILE:LINE of its line goes in front, as the
 * loader does for the lines it refuses itself. */
static int at_port_line(char *err)
{
	for (int i = 0; i < vgw_gw.n_ports; i++) {
		const struct vgw_port *p = &vgw_gw.ports[i];
		size_t n = strlen(p->name);
		if (!p->where[0] || strncmp(err, "port ", 5) != 0 ||
		    strncmp(err + 5, p->name, n) != 0 || err[5 + n] != ':')
			continue;
		char e[VGW_ERR_LEN];
		snprintf(e, sizeof(e), "%s", err);
		snprintf(err, VGW_ERR_LEN, "%s: %s", p->where, e);
		break;
	}
	return -1;
}

/* the kernel interfaces' MTUs size the mbufs: read before the pool */
static int prepare(char *err)
{
	if (vgw_port_kernel_mtu(err) < 0)
		return at_port_line(err);
	vgw_gw.data_room = vgw_port_data_room();
	return 0;
}

/* RX/TX rings of every queue, bursts in flight, inject rings */
static uint32_t mbufs(void)
{
	return (uint32_t)vgw_gw.n_ports * vgw_gw.n_workers * 2048 +
	       (uint32_t)vgw_gw.n_ports * VGW_INJECT_RING_SIZE;
}

static int init(char *err)
{
	return vgw_port_init(err) < 0 ? at_port_line(err) : 0;
}

static int start(char *err)
{
	if (vgw_port_start(err) < 0)
		return at_port_line(err);
	/* steering rules go in once the ports run (some PMDs refuse them before) */
	vgw_port_flow_start();
	return 0;
}

/* the rules leave the NICs before the ports stop (and at SIGTERM, while
 * the workers still run: their traffic falls back to the software path) */
static void stop(uint64_t now_ms)
{
	(void)now_ms;
	vgw_port_flow_stop();
}

static void fini(void)
{
	vgw_port_flow_stop();
	vgw_port_close();
}

uint16_t vgw_port_sp_base;
static const struct vgw_counter_desc sp_counters[] = {VGW_PORT_SP_COUNTERS(VGW_COUNTER_DESC, _)};

const struct vgw_module vgw_port_module = {
	.name = "port",
	.cmds = vgw_port_cmds,
	.names = vgw_port_names,
	.settings = settings,
	.settings_finish = port_settings_finish,
	.settings_reset = port_settings_reset,
	.settings_config = port_settings_config,
	.mbufs = mbufs,
	.prepare = prepare,
	.init = init,
	.start = start,
	.stop = stop,
	.fini = fini,
	.sp_counters = {sp_counters, VGW_PORT_SP_N, &vgw_port_sp_base},
};
