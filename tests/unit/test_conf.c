/*
 * test_conf.c - the startup file's settings part (lib/conf).
 *
 * Proves: the shipped conf/vgw.conf loads; every kind of bad setting is refused
 * with FILE:LINE and a message naming the problem; a setting after the first
 * command is refused; host-port names and the punt rate limit are read with
 * their defaults and bounds (a Linux name of 1-15 characters, one per port);
 * show running-config's settings text loads back to the same settings,
 * the EAL words over as many `eal` lines as the loader's limits need;
 * af-xdp ports (a Linux interface name; no dev, mac, mtu or host-port with
 * it; one port per interface) and `xdp program PATH` (absolute, no ',',
 * under 160 bytes; a refused line keeps the earlier value) are read,
 * refused and printed back. No EAL needed: settings never touch DPDK.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

#include "conf/loader.h"
#include "conf/settings.h"
#include "core/gw.h"
#include "dp/punt.h"
#include "fib/fib.h"
#include "lb/service.h"
#include "neigh/neigh.h"
#include "rtnl/rtnl_follow.h"
#include "xdp/xdp_port.h"
#include "conf_text.h"
#include "unit.h"

static const char *conf_path;


static void test_shipped_conf_loads(void)
{
	char err[VGW_ERR_LEN] = "";
	vgw_settings_reset();
	int rc = vgw_load_settings(conf_path, err);
	if (rc != 0)
		fprintf(stderr, "\n  %s\n", err);
	ASSERT_EQ(rc, 0);
	ASSERT_EQ(vgw_gw.n_ports, 2);
	ASSERT_STR(vgw_gw.set.lcores, "0,1");
	ASSERT_EQ(vgw_fib_conf.max_routes, 65536);
}

static void test_minimal_defaults(void)
{
	char err[VGW_ERR_LEN] = "";
	ASSERT_EQ(unit_load_text("port p0 dev net_null0 role public address 10.0.0.1/24\n", err), 0);
	ASSERT_STR(vgw_gw.set.socket_path, "/run/vgw/vgwd.sock");
	ASSERT_STR(vgw_gw.set.lcores, "0,1");
	ASSERT_EQ(vgw_neigh_conf.max_entries, 4096);
	ASSERT_EQ(vgw_gw.ports[0].mtu, 1500);
	ASSERT_EQ(vgw_lb_conf.ct_max_entries, 262144);
	ASSERT_EQ(vgw_lb_conf.ct_timeouts.tcp_established, 7440); /* RFC 5382 */
	ASSERT_EQ(vgw_lb_conf.ct_timeouts.tcp_transitory, 240);
	ASSERT_EQ(vgw_lb_conf.ct_timeouts.udp, 300); /* RFC 4787: >= 120 */
	ASSERT_EQ(vgw_lb_conf.ct_timeouts.udp_unreplied, 120);
	ASSERT_EQ(unit_load_text("conntrack max-entries 16\nconntrack timeout udp 600\n"
			    "port p0 dev net_null0 role public address 10.0.0.1/24\n", err), 0);
	ASSERT_EQ(vgw_lb_conf.ct_max_entries, 16);
	ASSERT_EQ(vgw_lb_conf.ct_timeouts.udp, 600);
	ASSERT_EQ(vgw_lb_conf.ct_timeouts.tcp_established, 7440); /* others keep defaults */
	ASSERT_EQ(vgw_gw.ports[0].addrs[0].ip, 0x0a000001);
	ASSERT_EQ(vgw_gw.ports[0].addrs[0].plen, 24);
}

static const struct {
	const char *text;
	const char *want; /* substring of the error */
} bad[] = {
	{"", "no port defined"},
	{"port p0 role public address 10.0.0.1/24\n", "'dev' (or 'af-xdp') and 'role' are required"},
	{"port p0 dev net_null0 address 10.0.0.1/24\n", "'dev' (or 'af-xdp') and 'role' are required"},
	{"port p0 dev net_null0 role edge\n", "role must be public or underlay"},
	{"port p0 dev net_null0 role public address 10.0.0.1/33\n", "invalid prefix"},
	{"port p0 dev net_null0 role public address 10.0.0.0/24\n", "not a usable host address"},
	{"port p0 dev net_null0 role public address 127.0.0.1/8\n", "not a usable host address"},
	{"port p0 dev net_null0 role public mac 01:00:5e:00:00:01\n", "MAC must be unicast"},
	{"port p0 dev net_null0 role public mtu 100\n", "out of range"},
	{"port p0 dev net_null0 role public colour red\n", "unknown key 'colour'"},
	{"port p0 dev net_null0 role public address\n", "needs a value"},
	{"port bad.name dev net_null0 role public\n", "name must be"},
	{"port p0 dev net_null0 role public\nport p0 dev net_null1 role public\n", "defined twice"},
	{"port p0 dev net_null0 role public\nport p1 dev net_null0 role public\n", "same dev"},
	{"port p0 dev net_null0 role public address 10.0.0.1/16\n"
	 "port p1 dev net_null1 role public address 10.0.5.1/24\n", "overlaps"},
	{"port p0 dev net_null0 role public host-port bad.name\n", "host-port must be a Linux interface name"},
	{"port p0 dev net_null0 role public host-port vgw-host-port-16\n", "host-port must be"},
	{"port p0 dev net_null0 role public host-port\n", "needs a value"},
	{"port p0 dev net_null0 role public host-port vgw0 address 10.0.0.1/24\n"
	 "port p1 dev net_null1 role underlay host-port vgw0 address 10.1.0.1/24\n",
	 "port p1: same host-port as port p0"},
	/* af-xdp: the kernel keeps the interface, so no dev, mac, mtu, host-port */
	{"port p0 af-xdp eth1 dev net_null0 role public\n",
	 "port p0: 'dev' does not go with af-xdp (the kernel keeps eth1"},
	{"port p0 dev net_null0 af-xdp eth1 role public\n", "port p0: 'dev' does not go with af-xdp"},
	{"port p0 af-xdp eth1 role public mac 02:00:00:00:00:01\n",
	 "port p0: 'mac' does not go with af-xdp"},
	{"port p0 af-xdp eth1 role public mtu 1500\n", "port p0: 'mtu' does not go with af-xdp"},
	{"port p0 mtu 9000 af-xdp eth1 role public\n", "port p0: 'mtu' does not go with af-xdp"},
	{"port p0 af-xdp eth1 role public host-port vgw0\n",
	 "port p0: 'host-port' does not go with af-xdp"},
	{"port p0 af-xdp eth/1 role public\n", "port p0: af-xdp needs a Linux interface name"},
	{"port p0 af-xdp eth:1 role public\n", "af-xdp needs a Linux interface name"},
	{"port p0 af-xdp .. role public\n", "af-xdp needs a Linux interface name"},
	{"port p0 af-xdp abcdefghijklmnop role public\n", "af-xdp needs a Linux interface name"},
	{"port p0 role public af-xdp\n", "port p0: 'af-xdp' needs a value"},
	{"port p0 af-xdp eth1 address 10.0.0.1/24\n", "'dev' (or 'af-xdp') and 'role' are required"},
	/* one Linux interface, one port: two af-xdp ports, or one port's tap
	 * named as another's af-xdp interface */
	{"port p0 af-xdp eth1 role public address 10.0.0.1/24\n"
	 "port p1 af-xdp eth1 role underlay address 10.1.0.1/24\n",
	 "port p1: eth1 is already the af-xdp interface of port p0"},
	{"port p0 af-xdp eth1 role public address 10.0.0.1/24\n"
	 "port p1 dev net_null1 role underlay host-port eth1 address 10.1.0.1/24\n",
	 "port p1: host-port eth1 is the af-xdp interface of port p0"},
	{"port p0 dev net_null0 role public host-port vgw0 address 10.0.0.1/24\n"
	 "port p1 af-xdp vgw0 role underlay address 10.1.0.1/24\n",
	 "port p1: af-xdp vgw0 is the host-port of port p0"},
	{"port p0 af-xdp eth1 role public address 10.0.0.1/24\n"
	 "port p1 dev net_af_xdp_eth1 role underlay address 10.1.0.1/24\n", "port p1: same dev as port p0"},
	/* xdp program PATH */
	{"xdp program vgw_xdp.o\n", "xdp program: an absolute path of under 160 bytes without ','"},
	{"xdp program ./vgw_xdp.o\n", "xdp program: an absolute path"},
	{"xdp program /opt/vgw,x/vgw_xdp.o\n", "xdp program: an absolute path of under 160 bytes without ','"},
	{"xdp program\n", "xdp: expected 'program PATH'"},
	{"xdp program /a.o /b.o\n", "xdp: expected 'program PATH'"},
	{"xdp path /a.o\n", "xdp: expected 'program PATH'"},
	{"xdp\n", "xdp: expected 'program PATH'"},
	{"kernel import-table 0\n", "import-table: "},
	{"kernel import-table 4294967296\n", "out of range"},
	{"kernel announce-table 254\n", "is a system table"},
	{"kernel import-table 100\nkernel announce-table 100\n", "must differ"},
	{"kernel announce-table 101\nkernel import-table 101\n", "must differ"},
	{"kernel export-table 101\n", "expected 'import-table N' or 'announce-table N'"},
	{"kernel import-table\n", "expected 'import-table N' or 'announce-table N'"},
	{"punt arp rate 0\n", "punt rate: "},
	{"punt arp burst 1025\n", "out of range"},
	{"punt host rate 10\n", "punt: expected 'punt arp|neigh-miss|health rate PPS'"},
	{"punt arp speed 10\n", "punt: expected"},
	{"icmp-error rate 0\n", "icmp-error rate: "},
	{"icmp-error limit 5\n", "icmp-error: expected 'rate PPS' or 'burst N'"},
	{"worker idle-sleep 0\n", "worker idle-sleep: "},
	{"worker idle-sleep 10001\n", "out of range"},
	{"worker idle-polls 0\n", "worker idle-polls: "},
	{"worker sleep 5\n", "worker: expected 'idle-sleep US' or 'idle-polls N'"},
	{"maglev key 00112233\n", "maglev key: 32 hex digits (128 bits), got 8 characters"},
	{"maglev key 00112233445566778899aabbccddeefg\n", "is not hexadecimal"},
	{"maglev seed 1\n", "maglev: expected 'key HEX'"},
	{"host-port punt-rate 0\n", "host-port punt-rate: "},
	{"host-port punt-rate 1000001\n", "out of range"},
	{"host-port punt-burst 0\n", "host-port punt-burst: "},
	{"host-port punt-burst 1025\n", "out of range"},
	{"host-port punt-rate\n", "expected 'punt-rate PPS' or 'punt-burst N'"},
	{"host-port rate 100\n", "expected 'punt-rate PPS' or 'punt-burst N'"},
	{"lcores 0;1\n", "invalid list"},
	{"control socket relative.sock\n", "absolute path"},
	{"fib max-routes 1\n", "out of range"},
	/* number settings (conf/settings.c): the keys the module declared */
	{"fib max-routes\n", "fib: expected 'max-routes N'"},
	{"fib routes 100\n", "fib: expected 'max-routes N'"},
	{"fib max-routes 100 200\n", "fib: expected 'max-routes N'"},
	{"neigh-table size 64\n", "neigh-table: expected 'max-entries N'"},
	{"eip-table max-entries 8\n", "eip-table max-entries: "},
	{"endpoint-table max-entries 4194305\n", "out of range"},
	{"mbufs\n", "mbufs: expected 'N'"},
	{"mbufs 1000\n", "mbufs: "},
	{"mbufs lots\n", "invalid number"},
	{"conntrack max-entries 15\n", "out of range"},
	{"conntrack max-entries 16777217\n", "out of range"},
	{"conntrack timeout udp 0\n", "out of range"},
	{"conntrack timeout tcp 60\n", "unknown kind 'tcp'"},
	{"conntrack size 10\n", "expected 'max-entries N' or 'timeout KIND SECONDS'"},
	{"frobnicate 1\n", "unknown setting or command 'frobnicate'"},
	{"port p0 dev net_null0 role public address 10.0.0.1/24\n"
	 "route add 10.9.0.0/16 via 10.0.0.2\n"
	 "lcores 0,1\n", "after the first command"},
};

static void test_bad_settings(void)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char err[VGW_ERR_LEN] = "";
		int rc = unit_load_text(bad[i].text, err);
		ASSERT_EQ(rc, -1);
		ASSERT_CONTAINS(err, bad[i].want);
		ASSERT_CONTAINS(err, UNIT_CONF_PREFIX);
	}
}

static void test_line_number(void)
{
	char err[VGW_ERR_LEN] = "";
	ASSERT_EQ(unit_load_text("# comment\n\nlcores 0,1\nport p0 dev x role nope\n", err), -1);
	ASSERT_CONTAINS(err, ":4: ");
}

/* A mistyped setting is named at its own line (it used to be kept as a
 * command, and the next setting was refused as "after the first command" on
 * its line), with the setting it is nearest to within 2 edits; commands are
 * checked for their name and argument count before EAL (vgwd --check too). */
static void test_unknown_word_line(void)
{
	char err[VGW_ERR_LEN] = "";
	ASSERT_EQ(unit_load_text("eal --no-huge\nlcores 0,1\n"
				 "prot p0 dev net_null0 role public address 10.0.0.1/24\n"
				 "port p1 dev net_null1 role underlay address 10.1.0.1/24\n", err), -1);
	ASSERT_CONTAINS(err, ":3: unknown setting or command 'prot'; did you mean 'port'?");
	ASSERT_EQ(unit_load_text("lcroes 0,1\n", err), -1);
	ASSERT_CONTAINS(err, ":1: unknown setting or command 'lcroes'; did you mean 'lcores'?");
	ASSERT_EQ(unit_load_text("# c\nmaglv key 00\n", err), -1);
	ASSERT_CONTAINS(err, ":2: unknown setting or command 'maglv'; did you mean 'maglev'?");
	/* nothing within 2 edits: no guess */
	ASSERT_EQ(unit_load_text("zzzzzzzz 1\n", err), -1);
	ASSERT_CONTAINS(err, ":1: unknown setting or command 'zzzzzzzz'");
	ASSERT_EQ(strstr(err, "did you mean") == NULL, 1);
	/* in the commands part: a command word is suggested, settings are not */
	ASSERT_EQ(unit_load_text("port p0 dev net_null0 role public address 10.0.0.1/24\n"
				 "route add 10.9.0.0/16 via 10.0.0.2\nrote add 1.0.0.0/8 via 10.0.0.2\n",
				 err), -1);
	ASSERT_CONTAINS(err, ":3: unknown command 'rote add'; did you mean 'route'?");
	/* a known first word with an unknown verb is no typo of it */
	ASSERT_EQ(unit_load_text("port p0 dev net_null0 role public address 10.0.0.1/24\n"
				 "route frob 10.9.0.0/16\n", err), -1);
	ASSERT_CONTAINS(err, ":2: unknown command 'route frob'; try 'help'");
	/* argument counts, as vgw_cli_exec checks them later */
	ASSERT_EQ(unit_load_text("port p0 dev net_null0 role public address 10.0.0.1/24\n\n"
				 "route add 10.9.0.0/16\n", err), -1);
	ASSERT_CONTAINS(err, ":3: missing argument: usage: route add");
	ASSERT_EQ(vgw_edit_distance("prot", "port", 2), 1u);
	ASSERT_EQ(vgw_edit_distance("port", "port", 2), 0u);
	ASSERT_EQ(vgw_edit_distance("lcroes", "lcores", 2), 1u);
	ASSERT_EQ(vgw_edit_distance("", "eal", 2), 3u);
	vgw_load_discard();
}

/* `control group NAME`: a valid group name, printed back; the group itself
 * is resolved when the socket is created (not here). */
static void test_control_group(void)
{
	char err[VGW_ERR_LEN] = "";
	const char *port = "port p0 dev net_null0 role public address 10.0.0.1/24\n";
	char text[512];
	snprintf(text, sizeof(text), "control group vgw\n%s", port);
	ASSERT_EQ(unit_load_text(text, err), 0);
	ASSERT_STR(vgw_gw.set.socket_group, "vgw");
	struct vgw_buf b;
	vgw_buf_init(&b);
	vgw_settings_running_config(&b);
	ASSERT_CONTAINS(b.data, "control socket /run/vgw/vgwd.sock\ncontrol group vgw\n");
	vgw_buf_free(&b);
	static const char *bad_names[] = {"Vgw", "1vgw", "vg w", "vgw!", "",
					  "abcdefghijklmnopqrstuvwxyz0123456"};
	for (size_t i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++) {
		snprintf(text, sizeof(text), "control group %s\n%s", bad_names[i], port);
		ASSERT_EQ(unit_load_text(text, err), -1);
		ASSERT_CONTAINS(err, ":1: ");
		ASSERT_CONTAINS(err, bad_names[i][0] && !strchr(bad_names[i], ' ')
				? "control group: invalid group name" : "control: expected");
	}
	snprintf(text, sizeof(text), "control group\n%s", port);
	ASSERT_EQ(unit_load_text(text, err), -1);
	ASSERT_CONTAINS(err, "control: expected 'socket PATH' or 'group NAME'");
	/* a reset forgets it */
	ASSERT_EQ(unit_load_text(port, err), 0);
	ASSERT_STR(vgw_gw.set.socket_group, "");
}

static void test_long_line(void)
{
	char *text = malloc(6000);
	memset(text, 'a', 5000);
	strcpy(text + 5000, "\n");
	char err[VGW_ERR_LEN] = "";
	ASSERT_EQ(unit_load_text(text, err), -1);
	ASSERT_CONTAINS(err, "line too long");
	free(text);
}

/* host-port on a port names its Linux interface; ports without one keep
 * ""; the punt rate limit has defaults and can be set. */
static void test_host_port(void)
{
	char err[VGW_ERR_LEN] = "";
	ASSERT_EQ(unit_load_text("port p0 dev net_null0 role public host-port vgw-p0 "
			    "address 10.0.0.1/24\n"
			    "port p1 dev net_null1 role underlay address 10.1.0.1/24\n"
			    "port p2 dev net_null2 role underlay host-port Host_2 "
			    "address 10.2.0.1/24\n", err), 0);
	ASSERT_STR(vgw_gw.ports[0].host_name, "vgw-p0");
	ASSERT_STR(vgw_gw.ports[1].host_name, "");
	ASSERT_STR(vgw_gw.ports[2].host_name, "Host_2");
	ASSERT_EQ(vgw_gw.ports[0].n_addrs, 1); /* the key does not eat the next one */
	ASSERT_EQ(vgw_dp_conf.punt_rate[VGW_PUNT_HOST], 20000);
	ASSERT_EQ(vgw_dp_conf.punt_burst[VGW_PUNT_HOST], 256);
	/* the longest Linux name (15 characters), and the limits at their bounds */
	ASSERT_EQ(unit_load_text("host-port punt-rate 1000000\nhost-port punt-burst 1\n"
			    "port p0 dev net_null0 role public host-port abcdefghijklmno\n", err), 0);
	ASSERT_STR(vgw_gw.ports[0].host_name, "abcdefghijklmno");
	ASSERT_EQ(vgw_dp_conf.punt_rate[VGW_PUNT_HOST], 1000000);
	ASSERT_EQ(vgw_dp_conf.punt_burst[VGW_PUNT_HOST], 1);
	ASSERT_EQ(unit_load_text("host-port punt-rate 1\nhost-port punt-burst 1024\n"
			    "port p0 dev net_null0 role public\n", err), 0);
	ASSERT_EQ(vgw_dp_conf.punt_rate[VGW_PUNT_HOST], 1);
	ASSERT_EQ(vgw_dp_conf.punt_burst[VGW_PUNT_HOST], 1024);
	struct vgw_buf b;
	vgw_buf_init(&b);
	vgw_settings_running_config(&b);
	ASSERT_CONTAINS(b.data, "host-port punt-rate 1\nhost-port punt-burst 1024\n");
	vgw_buf_free(&b);
}

/* Issue 14: per-reason punt limits, the ICMP error limit and the Maglev key
 * load, default and round-trip. */
static void test_hostile_settings(void)
{
	char err[VGW_ERR_LEN] = "";
	ASSERT_EQ(unit_load_text("port p0 dev net_null0 role public\n", err), 0);
	ASSERT_EQ(vgw_dp_conf.punt_rate[VGW_PUNT_ARP], 2000);
	ASSERT_EQ(vgw_dp_conf.icmp_error_rate, 1000);
	CU_ASSERT(!vgw_lb_conf.maglev_key_set);
	ASSERT_EQ(unit_load_text("punt arp rate 10\npunt health burst 7\nicmp-error burst 2\n"
			    "maglev key 000102030405060708090a0b0c0d0e0f\n"
			    "port p0 dev net_null0 role public\n", err), 0);
	ASSERT_EQ(vgw_dp_conf.punt_rate[VGW_PUNT_ARP], 10);
	ASSERT_EQ(vgw_dp_conf.punt_burst[VGW_PUNT_HEALTH], 7);
	ASSERT_EQ(vgw_dp_conf.icmp_error_burst, 2);
	CU_ASSERT(vgw_lb_conf.maglev_key_set);
	ASSERT_EQ(vgw_lb_conf.maglev_key.k0, 0x0706050403020100ull);
	ASSERT_EQ(vgw_lb_conf.maglev_key.k1, 0x0f0e0d0c0b0a0908ull);
	struct vgw_buf a, b;
	vgw_buf_init(&a);
	vgw_settings_running_config(&a);
	ASSERT_CONTAINS(a.data, "punt arp rate 10\npunt arp burst 256\n");
	ASSERT_CONTAINS(a.data, "punt health rate 10000\npunt health burst 7\n");
	ASSERT_CONTAINS(a.data, "icmp-error rate 1000\nicmp-error burst 2\n");
	ASSERT_CONTAINS(a.data, "maglev key 000102030405060708090a0b0c0d0e0f\n");
	ASSERT_EQ(unit_load_text(a.data, err), 0);
	vgw_buf_init(&b);
	vgw_settings_running_config(&b);
	ASSERT_STR(b.data, a.data);
	vgw_buf_free(&a);
	vgw_buf_free(&b);
}

static void test_running_config_round_trip(void)
{
	char err[VGW_ERR_LEN] = "";
	ASSERT_EQ(unit_load_text("eal --no-huge -m 256\nlcores 0@0,1@1,2@1\nmbufs 4095\n"
			    "host-port punt-rate 5000\n"
			    "kernel import-table 254\nkernel announce-table 101\n"
			    "port up0 dev net_null0 role public mac 02:00:00:00:00:01 mtu 9000 "
			    "address 10.0.0.1/24 address 10.1.0.1/24\n"
			    "port ul0 dev net_null1 role underlay host-port vgw-ul0 "
			    "address 192.168.0.1/16\n",
			    err), 0);
	struct vgw_buf a;
	vgw_buf_init(&a);
	vgw_settings_running_config(&a);
	ASSERT_EQ(unit_load_text(a.data, err), 0);
	struct vgw_buf b;
	vgw_buf_init(&b);
	vgw_settings_running_config(&b);
	ASSERT_STR(b.data, a.data);
	ASSERT_CONTAINS(a.data, "port up0 dev net_null0 role public mac 02:00:00:00:00:01 mtu 9000 "
				"address 10.0.0.1/24 address 10.1.0.1/24\n");
	ASSERT_CONTAINS(a.data, "lcores 0@0,1@1,2@1\n");
	ASSERT_CONTAINS(a.data, "port ul0 dev net_null1 role underlay host-port vgw-ul0 "
				"address 192.168.0.1/16\n");
	ASSERT_CONTAINS(a.data, "host-port punt-rate 5000\nhost-port punt-burst 256\n");
	ASSERT_CONTAINS(a.data, "kernel import-table 254\nkernel announce-table 101\n");
	ASSERT_EQ(vgw_rtnl_conf.import_table, 254);
	ASSERT_EQ(vgw_rtnl_conf.announce_table, 101);
	vgw_buf_free(&a);
	vgw_buf_free(&b);
}

/* VGW_MAX_EAL_ARGS words are kept, more than one line holds: the running
 * config prints them over several `eal` lines, each within the loader's
 * word and byte limits (one `eal` line of 65 words was refused). */
static void test_eal_words_over_lines(void)
{
	char err[VGW_ERR_LEN] = "";
	struct vgw_buf t;
	vgw_buf_init(&t);
	vgw_buf_puts(&t, "eal");
	for (int i = 0; i < 40; i++)
		vgw_buf_printf(&t, " -w%d", i);
	vgw_buf_puts(&t, "\neal");
	for (int i = 40; i < VGW_MAX_EAL_ARGS; i++)
		vgw_buf_printf(&t, " -w%d", i);
	vgw_buf_puts(&t, "\nport p0 dev net_null0 role public\n");
	ASSERT_EQ(unit_load_text(t.data, err), 0);
	ASSERT_EQ(vgw_startup.n_eal_args, VGW_MAX_EAL_ARGS);
	ASSERT_EQ(unit_load_text(t.data, err), 0); /* a second load starts afresh */
	ASSERT_EQ(vgw_startup.n_eal_args, VGW_MAX_EAL_ARGS);
	vgw_buf_puts(&t, "eal one-too-many\n");
	ASSERT_EQ(unit_load_text(t.data, err), -1);
	ASSERT_CONTAINS(err, ":4: eal: too many arguments");
	vgw_buf_free(&t);

	/* 63 words then 1; and words of 1000 bytes, four to a line */
	struct vgw_buf a, b;
	ASSERT_EQ(unit_load_text("eal -a -b -c -d -e -f -g -h -i -j -k -l -m -n -o -p -q -r -s -t -u "
			    "-v -w -x -y -z -A -B -C -D -E -F -G -H -I -J -K -L -M -N -O -P -Q "
			    "-R -S -T -U -V -W -X -Y -Z -0 -1 -2 -3 -4 -5 -6 -7 -8 -9 --x\n"
			    "eal --y\nport p0 dev net_null0 role public\n", err), 0);
	vgw_buf_init(&a);
	vgw_settings_running_config(&a);
	ASSERT_CONTAINS(a.data, " -9 --x\neal --y\nlcores");
	ASSERT_EQ(unit_load_text(a.data, err), 0);
	vgw_buf_init(&b);
	vgw_settings_running_config(&b);
	ASSERT_STR(b.data, a.data);
	vgw_buf_free(&a);
	vgw_buf_free(&b);

	vgw_buf_init(&t);
	for (int i = 0; i < 8; i++) {
		char w[1001];
		memset(w, 'a' + i, 1000);
		w[1000] = '\0';
		vgw_buf_printf(&t, "eal %s\n", w);
	}
	vgw_buf_puts(&t, "port p0 dev net_null0 role public\n");
	ASSERT_EQ(unit_load_text(t.data, err), 0);
	vgw_buf_init(&a);
	vgw_settings_running_config(&a);
	ASSERT_CONTAINS(a.data, "ddd\neal eee");
	ASSERT_EQ(unit_load_text(a.data, err), 0);
	ASSERT_EQ(vgw_startup.n_eal_args, 8);
	vgw_buf_init(&b);
	vgw_settings_running_config(&b);
	ASSERT_STR(b.data, a.data);
	vgw_buf_free(&a);
	vgw_buf_free(&b);
	vgw_buf_free(&t);
}

/* port NAME af-xdp IFNAME: the port runs on a Linux interface the kernel
 * keeps; the running config says af-xdp, never the vdev name, nor the MTU
 * vgwd later reads from the interface. */
static void test_af_xdp(void)
{
	char err[VGW_ERR_LEN] = "";
	const char *text = "port up0 af-xdp eth1 role public address 203.0.113.1/24 "
			   "address 198.51.100.1/24\n"
			   "port ul0 role underlay af-xdp ens1f0_x-1 address 192.168.0.1/16\n"
			   "port p2 dev net_null0 role underlay mtu 9000 address 10.2.0.1/24\n"
			   "port p3 af-xdp abcdefghijklmno role public address 10.3.0.1/24\n"
			   "port p4 af-xdp eth0.100 role public address 10.4.0.1/24\n";
	int rc = unit_load_text(text, err);
	if (rc != 0)
		fprintf(stderr, "\n  %s\n", err);
	ASSERT_EQ(rc, 0);
	ASSERT_EQ(vgw_gw.n_ports, 5);
	const struct vgw_port *p = vgw_gw.ports;
	ASSERT_STR(p[0].xdp_iface, "eth1");
	ASSERT_STR(p[0].dev, "net_af_xdp_eth1"); /* the vdev; devargs come at start-up */
	ASSERT_EQ(p[0].role, VGW_ROLE_PUBLIC);
	ASSERT_EQ(p[0].mtu, 1500);
	ASSERT_EQ(p[0].mac_configured, 0);
	ASSERT_STR(p[0].host_name, "");
	ASSERT_EQ(p[0].n_addrs, 2);
	ASSERT_EQ(p[0].addrs[1].ip, 0xc6336401);
	ASSERT_EQ(p[0].xdp_ifindex, 0);
	CU_ASSERT(vgw_port_kernel_neigh(&p[0]));
	ASSERT_STR(p[1].xdp_iface, "ens1f0_x-1");
	ASSERT_EQ(p[1].role, VGW_ROLE_UNDERLAY);
	ASSERT_STR(p[2].xdp_iface, "");
	CU_ASSERT(!vgw_port_kernel_neigh(&p[2]));
	ASSERT_STR(p[3].xdp_iface, "abcdefghijklmno"); /* 15: Linux's longest */
	ASSERT_STR(p[4].xdp_iface, "eth0.100"); /* a VLAN interface */

	struct vgw_buf a, b;
	vgw_buf_init(&a);
	vgw_settings_running_config(&a);
	ASSERT_CONTAINS(a.data, "port up0 af-xdp eth1 role public address 203.0.113.1/24 "
				"address 198.51.100.1/24\n");
	ASSERT_CONTAINS(a.data, "port ul0 af-xdp ens1f0_x-1 role underlay address 192.168.0.1/16\n");
	ASSERT_CONTAINS(a.data, "port p2 dev net_null0 role underlay mtu 9000 address 10.2.0.1/24\n");
	ASSERT_CONTAINS(a.data, "port p3 af-xdp abcdefghijklmno role public address 10.3.0.1/24\n");
	CU_ASSERT(strstr(a.data, "net_af_xdp") == NULL);
	CU_ASSERT(strstr(a.data, "xdp program") == NULL); /* not set: not printed */

	/* what start-up does to the port (xdp_port.c): devargs and the
	 * interface's MTU; the running config does not change */
	snprintf(vgw_gw.ports[0].dev, sizeof(vgw_gw.ports[0].dev),
		 "net_af_xdp_eth1,iface=eth1,start_queue=0,queue_count=2,xdp_prog=/x/vgw_xdp.o");
	vgw_gw.ports[0].mtu = 9000;
	vgw_gw.ports[0].xdp_ifindex = 7;
	vgw_buf_init(&b);
	vgw_settings_running_config(&b);
	ASSERT_STR(b.data, a.data);
	vgw_buf_free(&b);

	/* and it loads back to the same settings */
	ASSERT_EQ(unit_load_text(a.data, err), 0);
	vgw_buf_init(&b);
	vgw_settings_running_config(&b);
	ASSERT_STR(b.data, a.data);
	ASSERT_STR(vgw_gw.ports[0].dev, "net_af_xdp_eth1");
	vgw_buf_free(&a);
	vgw_buf_free(&b);
}

static int line(char *err, int argc, ...)
{
	char words[4][200], *argv[4];
	va_list ap;
	va_start(ap, argc);
	for (int i = 0; i < argc; i++) {
		snprintf(words[i], sizeof(words[i]), "%s", va_arg(ap, const char *));
		argv[i] = words[i];
	}
	va_end(ap);
	err[0] = '\0';
	return vgw_settings_line(argc, argv, err);
}

/* xdp program PATH: an absolute path short enough for the af_xdp devargs,
 * without their ',' separator; a refused line leaves the value alone. */
static void test_xdp_program(void)
{
	char err[VGW_ERR_LEN] = "";
	ASSERT_EQ(unit_load_text("port p0 af-xdp eth1 role public\n", err), 0);
	ASSERT_STR(vgw_xdp_conf.program, ""); /* default: next to vgwd, else installed */

	ASSERT_EQ(unit_load_text("xdp program /opt/vgw/vgw_xdp.o\n"
			    "port p0 af-xdp eth1 role public address 10.0.0.1/24\n", err), 0);
	ASSERT_STR(vgw_xdp_conf.program, "/opt/vgw/vgw_xdp.o");
	struct vgw_buf a, b;
	vgw_buf_init(&a);
	vgw_settings_running_config(&a);
	ASSERT_CONTAINS(a.data, "\nxdp program /opt/vgw/vgw_xdp.o\n");
	ASSERT_EQ(unit_load_text(a.data, err), 0);
	ASSERT_STR(vgw_xdp_conf.program, "/opt/vgw/vgw_xdp.o");
	vgw_buf_init(&b);
	vgw_settings_running_config(&b);
	ASSERT_STR(b.data, a.data);
	vgw_buf_free(&a);
	vgw_buf_free(&b);

	/* each refused line keeps the earlier value */
	char ok159[161], long160[162];
	ok159[0] = long160[0] = '/';
	memset(ok159 + 1, 'a', 158);
	ok159[159] = '\0';
	memset(long160 + 1, 'b', 159);
	long160[160] = '\0';
	const char *want = "an absolute path of under 160 bytes without ','";
	ASSERT_EQ(line(err, 3, "xdp", "program", "vgw_xdp.o"), -1);
	ASSERT_CONTAINS(err, want);
	ASSERT_EQ(line(err, 3, "xdp", "program", "/opt/a,b/vgw_xdp.o"), -1);
	ASSERT_CONTAINS(err, want);
	ASSERT_EQ(line(err, 3, "xdp", "program", long160), -1);
	ASSERT_CONTAINS(err, want);
	ASSERT_EQ(line(err, 2, "xdp", "program"), -1);
	ASSERT_CONTAINS(err, "xdp: expected 'program PATH'");
	ASSERT_EQ(line(err, 4, "xdp", "program", "/a.o", "/b.o"), -1);
	ASSERT_CONTAINS(err, "xdp: expected 'program PATH'");
	ASSERT_EQ(line(err, 3, "xdp", "programme", "/a.o"), -1);
	ASSERT_CONTAINS(err, "xdp: expected 'program PATH'");
	ASSERT_STR(vgw_xdp_conf.program, "/opt/vgw/vgw_xdp.o");

	/* the longest path taken, and a later line replaces an earlier one */
	ASSERT_EQ(line(err, 3, "xdp", "program", ok159), 0);
	ASSERT_STR(vgw_xdp_conf.program, ok159);
	ASSERT_EQ(line(err, 3, "xdp", "program", "/usr/lib/vgw/vgw_xdp.o"), 0);
	ASSERT_STR(vgw_xdp_conf.program, "/usr/lib/vgw/vgw_xdp.o");

	/* in a file: the line is named, the earlier value stays */
	ASSERT_EQ(unit_load_text("xdp program /opt/a.o\nxdp program a.o\n"
			    "port p0 af-xdp eth1 role public\n", err), -1);
	ASSERT_CONTAINS(err, ":2: xdp program: an absolute path");
	ASSERT_STR(vgw_xdp_conf.program, "/opt/a.o");
}

int main(int argc, char **argv)
{
	conf_path = argc > 1 ? argv[1] : "conf/vgw.conf";
	static const struct unit_test tests[] = {
		{"punt, icmp-error and maglev key settings (issue 14)", test_hostile_settings},
		{"shipped conf/vgw.conf loads", test_shipped_conf_loads},
		{"defaults of a minimal file", test_minimal_defaults},
		{"bad settings are refused with FILE:LINE", test_bad_settings},
		{"errors name the line", test_line_number},
		{"an unknown word is named at its line, with a guess", test_unknown_word_line},
		{"control group NAME", test_control_group},
		{"over-long line refused", test_long_line},
		{"host-port names and the punt rate limit", test_host_port},
		{"running-config settings load back identically", test_running_config_round_trip},
		{"64 EAL words print over several loadable lines", test_eal_words_over_lines},
		{"af-xdp ports and their running config", test_af_xdp},
		{"xdp program PATH", test_xdp_program},
	};
	return unit_run("conf", tests, sizeof(tests) / sizeof(tests[0]));
}
