/* Start-up settings: see settings.h. */
#include "settings.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cli/cli.h"
#include "../core/gw.h"
#include "../net/ip4.h"
#include "../port/port_mtu.h"

struct vgw_startup vgw_startup;

static const char *const setting_words[] = {"eal", "lcores", "control", "mbufs", "fib",
					    "neigh-table", "endpoint-table", "eip-table",
					    "conntrack", "kernel", "host-port", "xdp", "port",
					    "punt", "icmp-error", "maglev", NULL};

static int u32_setting(const char *what, const char *v, uint64_t min, uint64_t max,
		       uint32_t *out, char *err);

/* conntrack timeout KIND SECONDS: names in struct vgw_ct_timeouts order. */
static const struct {
	const char *name;
	size_t off;
} ct_timeout_names[] = {
	{"tcp-established", offsetof(struct vgw_ct_timeouts, tcp_established)},
	{"tcp-transitory", offsetof(struct vgw_ct_timeouts, tcp_transitory)},
	{"tcp-time-wait", offsetof(struct vgw_ct_timeouts, tcp_time_wait)},
	{"tcp-close", offsetof(struct vgw_ct_timeouts, tcp_close)},
	{"tcp-unconfirmed", offsetof(struct vgw_ct_timeouts, tcp_unconfirmed)},
	{"udp", offsetof(struct vgw_ct_timeouts, udp)},
	{"udp-unreplied", offsetof(struct vgw_ct_timeouts, udp_unreplied)},
	{"icmp", offsetof(struct vgw_ct_timeouts, icmp)},
};
#define N_CT_TIMEOUTS (sizeof(ct_timeout_names) / sizeof(ct_timeout_names[0]))

static uint32_t *ct_timeout(struct vgw_ct_timeouts *t, size_t i)
{
	return (uint32_t *)((char *)t + ct_timeout_names[i].off);
}

/* conntrack max-entries N | conntrack timeout KIND SECONDS */
static int conntrack_line(int argc, char **argv, char *err)
{
	if (argc == 3 && strcmp(argv[1], "max-entries") == 0)
		return u32_setting("conntrack max-entries", argv[2], 16, 1u << 24,
				   &vgw_gw.set.conntrack_max_entries, err);
	if (argc == 4 && strcmp(argv[1], "timeout") == 0) {
		for (size_t i = 0; i < N_CT_TIMEOUTS; i++)
			if (strcmp(argv[2], ct_timeout_names[i].name) == 0)
				return u32_setting("conntrack timeout", argv[3], 1, 604800,
						   ct_timeout(&vgw_gw.set.ct_timeouts, i), err);
		snprintf(err, VGW_ERR_LEN,
			 "conntrack timeout: unknown kind '%s' (tcp-established, tcp-transitory, "
			 "tcp-time-wait, tcp-close, tcp-unconfirmed, udp, udp-unreplied, icmp)", argv[2]);
		return -1;
	}
	snprintf(err, VGW_ERR_LEN,
		 "conntrack: expected 'max-entries N' or 'timeout KIND SECONDS'");
	return -1;
}

bool vgw_settings_is_setting(const char *w)
{
	for (int i = 0; setting_words[i]; i++)
		if (strcmp(w, setting_words[i]) == 0)
			return true;
	return false;
}

void vgw_settings_reset(void)
{
	for (int i = 0; i < vgw_startup.n_eal_args; i++)
		free(vgw_startup.eal_args[i]);
	memset(&vgw_startup, 0, sizeof(vgw_startup));
	memset(&vgw_gw.set, 0, sizeof(vgw_gw.set));
	memset(vgw_gw.ports, 0, sizeof(vgw_gw.ports));
	vgw_gw.n_ports = 0;
}

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
			if (vgw_parse_u64(v, VGW_MTU_MIN, VGW_MTU_MAX, &mtu, err) < 0)
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

static int u32_setting(const char *what, const char *v, uint64_t min, uint64_t max,
		       uint32_t *out, char *err)
{
	uint64_t x;
	char e[VGW_ERR_LEN];
	if (vgw_parse_u64(v, min, max, &x, e) < 0) {
		snprintf(err, VGW_ERR_LEN, "%s: %s", what, e);
		return -1;
	}
	*out = (uint32_t)x;
	return 0;
}

/* kernel import-table N | kernel announce-table N (Linux routing tables
 * 1-4294967295 except 253-255: default, main, local belong to the system;
 * the two must differ). */
static int kernel_line(int argc, char **argv, char *err)
{
	uint32_t *t = NULL;
	if (argc == 3 && strcmp(argv[1], "import-table") == 0)
		t = &vgw_gw.set.kernel_import_table;
	else if (argc == 3 && strcmp(argv[1], "announce-table") == 0)
		t = &vgw_gw.set.kernel_announce_table;
	if (!t) {
		snprintf(err, VGW_ERR_LEN,
			 "kernel: expected 'import-table N' or 'announce-table N'");
		return -1;
	}
	uint32_t v;
	if (u32_setting(argv[1], argv[2], 1, UINT32_MAX, &v, err) < 0)
		return -1;
	if (v >= 253 && v <= 255 && t == &vgw_gw.set.kernel_announce_table) {
		snprintf(err, VGW_ERR_LEN,
			 "kernel announce-table: %u is a system table (default, main, local); "
			 "use a table of its own", v);
		return -1;
	}
	const uint32_t *other = t == &vgw_gw.set.kernel_import_table
					? &vgw_gw.set.kernel_announce_table
					: &vgw_gw.set.kernel_import_table;
	if (v == *other) {
		snprintf(err, VGW_ERR_LEN, "kernel: import-table and announce-table must differ");
		return -1;
	}
	*t = v;
	return 0;
}

/* xdp program PATH: the XDP object AF_XDP ports load (default: vgw_xdp.o
 * next to vgwd, else where `ninja install` put it). */
static int xdp_line(int argc, char **argv, char *err)
{
	if (argc != 3 || strcmp(argv[1], "program") != 0) {
		snprintf(err, VGW_ERR_LEN, "xdp: expected 'program PATH'");
		return -1;
	}
	/* devargs hold it with the rest of the af_xdp options: keep room */
	if (argv[2][0] != '/' || strlen(argv[2]) >= sizeof(vgw_gw.set.xdp_program) - 96 ||
	    strchr(argv[2], ',')) {
		snprintf(err, VGW_ERR_LEN,
			 "xdp program: an absolute path of under %zu bytes without ','",
			 sizeof(vgw_gw.set.xdp_program) - 96);
		return -1;
	}
	snprintf(vgw_gw.set.xdp_program, sizeof(vgw_gw.set.xdp_program), "%s", argv[2]);
	return 0;
}

/* host-port punt-rate PPS | host-port punt-burst N: each worker's share of
 * to-self packets punted to the host ports (host/host_dp.h). A burst beyond
 * the punt ring could not be queued anyway. */
static int host_port_line(int argc, char **argv, char *err)
{
	if (argc == 3 && strcmp(argv[1], "punt-rate") == 0)
		return u32_setting("host-port punt-rate", argv[2], 1, 1000000,
				   &vgw_gw.set.host_punt_rate, err);
	if (argc == 3 && strcmp(argv[1], "punt-burst") == 0)
		return u32_setting("host-port punt-burst", argv[2], 1, VGW_PUNT_RING_SIZE,
				   &vgw_gw.set.host_punt_burst, err);
	snprintf(err, VGW_ERR_LEN, "host-port: expected 'punt-rate PPS' or 'punt-burst N'");
	return -1;
}

/* punt arp|neigh-miss|health rate PPS | ... burst N: each worker's limit per
 * punt reason (gw.h struct vgw_punt_q). A burst beyond the ring could not
 * be queued anyway. */
static const char *const punt_kind[VGW_PUNT_N] = {
	[VGW_PUNT_ARP] = "arp", [VGW_PUNT_NEIGH_MISS] = "neigh-miss", [VGW_PUNT_HEALTH] = "health",
};

static int punt_line(int argc, char **argv, char *err)
{
	for (int r = 1; argc == 4 && r < VGW_PUNT_N; r++) {
		if (!punt_kind[r] || strcmp(argv[1], punt_kind[r]) != 0)
			continue;
		if (strcmp(argv[2], "rate") == 0)
			return u32_setting("punt rate", argv[3], 1, 10000000,
					   &vgw_gw.set.punt_rate[r], err);
		if (strcmp(argv[2], "burst") == 0)
			return u32_setting("punt burst", argv[3], 1, VGW_PUNT_RING_SIZE,
					   &vgw_gw.set.punt_burst[r], err);
	}
	snprintf(err, VGW_ERR_LEN,
		 "punt: expected 'punt arp|neigh-miss|health rate PPS' or '... burst N' "
		 "(to-self traffic: host-port punt-rate)");
	return -1;
}

/* icmp-error rate PPS | icmp-error burst N: ICMP errors each worker may
 * originate (RFC 1812 4.3.2.8: rate-limited). */
static int icmp_error_line(int argc, char **argv, char *err)
{
	if (argc == 3 && strcmp(argv[1], "rate") == 0)
		return u32_setting("icmp-error rate", argv[2], 1, 10000000,
				   &vgw_gw.set.icmp_error_rate, err);
	if (argc == 3 && strcmp(argv[1], "burst") == 0)
		return u32_setting("icmp-error burst", argv[2], 1, 1000000,
				   &vgw_gw.set.icmp_error_burst, err);
	snprintf(err, VGW_ERR_LEN, "icmp-error: expected 'rate PPS' or 'burst N'");
	return -1;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* maglev key HEX: 32 hex digits, the cluster-wide SipHash key (bytes in
 * order: k0 = bytes 0-7 little-endian, k1 = bytes 8-15). */
static int maglev_line(int argc, char **argv, char *err)
{
	if (argc != 3 || strcmp(argv[1], "key") != 0) {
		snprintf(err, VGW_ERR_LEN, "maglev: expected 'key HEX' (32 hex digits)");
		return -1;
	}
	const char *h = argv[2];
	uint8_t k[16];
	if (strlen(h) != 32) {
		snprintf(err, VGW_ERR_LEN, "maglev key: 32 hex digits (128 bits), got %zu characters",
			 strlen(h));
		return -1;
	}
	for (int i = 0; i < 16; i++) {
		int hi = hexval(h[2 * i]), lo = hexval(h[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			snprintf(err, VGW_ERR_LEN, "maglev key: '%s' is not hexadecimal", h);
			return -1;
		}
		k[i] = (uint8_t)(hi << 4 | lo);
	}
	uint64_t k0 = 0, k1 = 0;
	for (int i = 7; i >= 0; i--) {
		k0 = k0 << 8 | k[i];
		k1 = k1 << 8 | k[8 + i];
	}
	vgw_gw.set.maglev_key = (struct vgw_siphash_key){k0, k1};
	vgw_gw.set.maglev_key_set = true;
	return 0;
}

int vgw_settings_line(int argc, char **argv, char *err)
{
	const char *w = argv[0];
	if (strcmp(w, "port") == 0)
		return port_line(argc, argv, err);
	if (strcmp(w, "eal") == 0) {
		for (int i = 1; i < argc; i++) {
			if (vgw_startup.n_eal_args == VGW_MAX_EAL_ARGS) {
				snprintf(err, VGW_ERR_LEN, "eal: too many arguments");
				return -1;
			}
			vgw_startup.eal_args[vgw_startup.n_eal_args++] = strdup(argv[i]);
		}
		return 0;
	}
	if (strcmp(w, "lcores") == 0 && argc == 2) {
		if (strlen(argv[1]) >= sizeof(vgw_gw.set.lcores)) {
			snprintf(err, VGW_ERR_LEN, "lcores: list too long");
			return -1;
		}
		if (strspn(argv[1], "0123456789,@-()") != strlen(argv[1])) {
			snprintf(err, VGW_ERR_LEN, "lcores: invalid list '%s' (e.g. 0,1 or 0@0,1@1,2@1)",
				 argv[1]);
			return -1;
		}
		snprintf(vgw_gw.set.lcores, sizeof(vgw_gw.set.lcores), "%s", argv[1]);
		return 0;
	}
	if (strcmp(w, "control") == 0 && argc == 3 && strcmp(argv[1], "socket") == 0) {
		if (argv[2][0] != '/' || strlen(argv[2]) >= sizeof(vgw_gw.set.socket_path)) {
			snprintf(err, VGW_ERR_LEN, "control socket: absolute path under %zu bytes",
				 sizeof(vgw_gw.set.socket_path));
			return -1;
		}
		snprintf(vgw_gw.set.socket_path, sizeof(vgw_gw.set.socket_path), "%s", argv[2]);
		return 0;
	}
	if (strcmp(w, "mbufs") == 0 && argc == 2)
		return u32_setting("mbufs", argv[1], 1023, 16u << 20, &vgw_gw.set.mbufs, err);
	if (strcmp(w, "fib") == 0 && argc == 3 && strcmp(argv[1], "max-routes") == 0)
		return u32_setting("fib max-routes", argv[2], 64, 1u << 24,
				   &vgw_gw.set.fib_max_routes, err);
	if (strcmp(w, "neigh-table") == 0 && argc == 3 && strcmp(argv[1], "max-entries") == 0)
		return u32_setting("neigh-table max-entries", argv[2], 16, 1u << 20,
				   &vgw_gw.set.neigh_max_entries, err);
	if (strcmp(w, "endpoint-table") == 0 && argc == 3 && strcmp(argv[1], "max-entries") == 0)
		return u32_setting("endpoint-table max-entries", argv[2], 16, 1u << 22,
				   &vgw_gw.set.endpoint_max_entries, err);
	if (strcmp(w, "eip-table") == 0 && argc == 3 && strcmp(argv[1], "max-entries") == 0)
		return u32_setting("eip-table max-entries", argv[2], 16, 1u << 22,
				   &vgw_gw.set.eip_max_entries, err);
	if (strcmp(w, "conntrack") == 0)
		return conntrack_line(argc, argv, err);
	if (strcmp(w, "kernel") == 0)
		return kernel_line(argc, argv, err);
	if (strcmp(w, "host-port") == 0)
		return host_port_line(argc, argv, err);
	if (strcmp(w, "xdp") == 0)
		return xdp_line(argc, argv, err);
	if (strcmp(w, "punt") == 0)
		return punt_line(argc, argv, err);
	if (strcmp(w, "icmp-error") == 0)
		return icmp_error_line(argc, argv, err);
	if (strcmp(w, "maglev") == 0)
		return maglev_line(argc, argv, err);
	snprintf(err, VGW_ERR_LEN, "invalid setting '%s' (see conf/vgw.conf for the syntax)", w);
	return -1;
}

int vgw_settings_finish(char *err)
{
	if (vgw_gw.n_ports == 0) {
		snprintf(err, VGW_ERR_LEN, "no port defined");
		return -1;
	}
	if (!vgw_gw.set.lcores[0])
		snprintf(vgw_gw.set.lcores, sizeof(vgw_gw.set.lcores), "0,1");
	if (!vgw_gw.set.socket_path[0])
		snprintf(vgw_gw.set.socket_path, sizeof(vgw_gw.set.socket_path),
			 "/run/vgw/vgwd.sock");
	if (!vgw_gw.set.fib_max_routes)
		vgw_gw.set.fib_max_routes = 65536;
	if (!vgw_gw.set.neigh_max_entries)
		vgw_gw.set.neigh_max_entries = 4096;
	if (!vgw_gw.set.endpoint_max_entries)
		vgw_gw.set.endpoint_max_entries = 65536;
	if (!vgw_gw.set.eip_max_entries)
		vgw_gw.set.eip_max_entries = 65536;
	if (!vgw_gw.set.conntrack_max_entries)
		vgw_gw.set.conntrack_max_entries = 262144;
	if (!vgw_gw.set.host_punt_rate)
		vgw_gw.set.host_punt_rate = 20000;
	if (!vgw_gw.set.host_punt_burst)
		vgw_gw.set.host_punt_burst = 256;
	/* per worker; ARP and health answers are a trickle in normal operation,
	 * next-hop misses come in bursts while a neighbour resolves */
	static const uint32_t def_rate[VGW_PUNT_N] = {0, 2000, 10000, 10000, 0};
	static const uint32_t def_burst[VGW_PUNT_N] = {0, 256, 1024, 512, 0};
	for (int r = 1; r < VGW_PUNT_N; r++) {
		if (!vgw_gw.set.punt_rate[r])
			vgw_gw.set.punt_rate[r] = def_rate[r];
		if (!vgw_gw.set.punt_burst[r])
			vgw_gw.set.punt_burst[r] = def_burst[r];
	}
	if (!vgw_gw.set.icmp_error_rate)
		vgw_gw.set.icmp_error_rate = 1000;
	if (!vgw_gw.set.icmp_error_burst)
		vgw_gw.set.icmp_error_burst = 100;
	for (size_t i = 0; i < N_CT_TIMEOUTS; i++)
		if (!*ct_timeout(&vgw_gw.set.ct_timeouts, i))
			*ct_timeout(&vgw_gw.set.ct_timeouts, i) =
				*ct_timeout((struct vgw_ct_timeouts *)&vgw_ct_default_timeouts, i);
	return 0;
}

void vgw_settings_running_config(struct vgw_buf *b)
{
	/* Up to VGW_MAX_EAL_ARGS words, more than one line of the file holds
	 * (VGW_CLI_MAX_WORDS words with "eal", VGW_CLI_MAX_LINE - 1 bytes): a
	 * new `eal` line when the next word would not fit. Each word came from
	 * a file line, so it fits on a line of its own. */
	int words = 0;
	size_t len = 0;
	for (int i = 0; i < vgw_startup.n_eal_args; i++) {
		size_t w = 1 + strlen(vgw_startup.eal_args[i]);
		if (words && (words == VGW_CLI_MAX_WORDS - 1 || len + w > VGW_CLI_MAX_LINE - 1)) {
			vgw_buf_puts(b, "\n");
			words = 0;
		}
		if (!words) {
			vgw_buf_puts(b, "eal");
			len = 3;
		}
		vgw_buf_printf(b, " %s", vgw_startup.eal_args[i]);
		words++;
		len += w;
	}
	if (words)
		vgw_buf_puts(b, "\n");
	vgw_buf_printf(b, "lcores %s\n", vgw_gw.set.lcores);
	vgw_buf_printf(b, "control socket %s\n", vgw_gw.set.socket_path);
	if (vgw_gw.set.mbufs)
		vgw_buf_printf(b, "mbufs %u\n", vgw_gw.set.mbufs);
	vgw_buf_printf(b, "fib max-routes %u\n", vgw_gw.set.fib_max_routes);
	vgw_buf_printf(b, "neigh-table max-entries %u\n", vgw_gw.set.neigh_max_entries);
	vgw_buf_printf(b, "endpoint-table max-entries %u\n", vgw_gw.set.endpoint_max_entries);
	vgw_buf_printf(b, "eip-table max-entries %u\n", vgw_gw.set.eip_max_entries);
	vgw_buf_printf(b, "conntrack max-entries %u\n", vgw_gw.set.conntrack_max_entries);
	for (size_t i = 0; i < N_CT_TIMEOUTS; i++)
		vgw_buf_printf(b, "conntrack timeout %s %u\n", ct_timeout_names[i].name,
			       *ct_timeout(&vgw_gw.set.ct_timeouts, i));
	if (vgw_gw.set.kernel_import_table)
		vgw_buf_printf(b, "kernel import-table %u\n", vgw_gw.set.kernel_import_table);
	if (vgw_gw.set.kernel_announce_table)
		vgw_buf_printf(b, "kernel announce-table %u\n", vgw_gw.set.kernel_announce_table);
	vgw_buf_printf(b, "host-port punt-rate %u\n", vgw_gw.set.host_punt_rate);
	vgw_buf_printf(b, "host-port punt-burst %u\n", vgw_gw.set.host_punt_burst);
	for (int r = 1; r < VGW_PUNT_N; r++)
		if (punt_kind[r])
			vgw_buf_printf(b, "punt %s rate %u\npunt %s burst %u\n", punt_kind[r],
				       vgw_gw.set.punt_rate[r], punt_kind[r], vgw_gw.set.punt_burst[r]);
	vgw_buf_printf(b, "icmp-error rate %u\n", vgw_gw.set.icmp_error_rate);
	vgw_buf_printf(b, "icmp-error burst %u\n", vgw_gw.set.icmp_error_burst);
	if (vgw_gw.set.maglev_key_set) {
		vgw_buf_puts(b, "maglev key ");
		for (int i = 0; i < 16; i++)
			vgw_buf_printf(b, "%02x",
				       (unsigned int)((i < 8 ? vgw_gw.set.maglev_key.k0 >> (8 * i)
							    : vgw_gw.set.maglev_key.k1 >> (8 * (i - 8))) &
						      0xff));
		vgw_buf_puts(b, "\n");
	}
	if (vgw_gw.set.xdp_program[0])
		vgw_buf_printf(b, "xdp program %s\n", vgw_gw.set.xdp_program);
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
