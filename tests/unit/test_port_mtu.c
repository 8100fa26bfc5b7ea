/*
 * test_port_mtu.c - port MTUs at configuration time (lib/port/port_mtu.h).
 *
 * Proves: `mtu` takes 576-9000; an af_packet port's MTU must fit its frames
 * (framesz devarg, default 2048: MTU framesz - 52 at most), refused with
 * FILE:LINE, the port and the devargs that would fit it; the mbuf data room
 * grows with the largest MTU (and af_packet frames) instead of capping the
 * MTU at 2 KB; the running config prints the configured MTU, not the one in
 * effect (an af_packet port takes its interface's). No EAL.
 */
#include <stdlib.h>
#include <unistd.h>

#include <rte_mbuf_core.h>

#include "conf/loader.h"
#include "conf/settings.h"
#include "core/gw.h"
#include "port/port_mtu.h"
#include "conf_text.h"
#include "unit.h"


static void test_devargs(void)
{
	char v[32];
	CU_ASSERT(
		vgw_port_devarg("net_af_packet0,iface=veth0,framesz=4096", "iface", v, sizeof(v)));
	ASSERT_STR(v, "veth0");
	CU_ASSERT(vgw_port_devarg("net_af_packet0,iface=veth0,framesz=4096", "framesz", v,
				  sizeof(v)));
	ASSERT_STR(v, "4096");
	CU_ASSERT(!vgw_port_devarg("net_af_packet0,iface=veth0", "frame", v, sizeof(v)));
	CU_ASSERT(!vgw_port_devarg("net_af_packet0", "iface", v, sizeof(v)));
	CU_ASSERT(!vgw_port_devarg("iface=x", "iface", v, sizeof(v))); /* that is the name */
	CU_ASSERT(vgw_port_is_af_packet("net_af_packet1,iface=x"));
	CU_ASSERT(vgw_port_is_af_packet("eth_af_packet1,iface=x"));
	CU_ASSERT(!vgw_port_is_af_packet("net_af_xdp_eth1"));
	CU_ASSERT(!vgw_port_is_af_packet("net_null0"));
	ASSERT_EQ(vgw_port_af_packet_framesz("net_af_packet0,iface=veth0"), 2048);
	ASSERT_EQ(vgw_port_af_packet_framesz("net_af_packet0,framesz=9216,iface=veth0"), 9216);
}

static const struct {
	const char *text;
	const char *want; /* substring of the error, NULL: loads */
} cases[] = {
	{"port p0 dev net_null0 role public mtu 575\n", "out of range"},
	{"port p0 dev net_null0 role public mtu 9001\n", "out of range"},
	{"port p0 dev net_null0 role public mtu 576\n", NULL},
	{"port p0 dev net_null0 role public mtu 9000\n", NULL},
	/* af_packet: the default 2048-byte frames hold MTU 1996 */
	{"port p0 dev net_af_packet0,iface=veth0 role public mtu 1996\n", NULL},
	{"# one\nport p0 dev net_af_packet0,iface=veth0 role public mtu 1997\n",
	 ":2: port p0: MTU 1997 does not fit af_packet frames of 2048 bytes (MTU 1996 at most): "
	 "add framesz=4096,blocksz=4096 to dev"},
	{"port p0 dev net_af_packet0,iface=veth0 role public mtu 9000\n",
	 "port p0: MTU 9000 does not fit af_packet frames of 2048 bytes (MTU 1996 at most): "
	 "add framesz=12288,blocksz=12288 to dev"},
	{"port p0 dev net_af_packet0,iface=veth0,framesz=12288,blocksz=12288 role public "
	 "mtu 9000\n", NULL},
	{"port p0 dev net_af_packet0,iface=veth0,framesz=12288,blocksz=24576 role public "
	 "mtu 9000\n", NULL},
	/* frames end to end in whole blocks: the default block is a page */
	{"port p0 dev net_af_packet0,iface=veth0,framesz=9056,blocksz=12288 role public\n",
	 "port p0: af_packet blocksz 12288 is not a multiple of framesz 9056"},
	{"port p0 dev net_af_packet0,iface=veth0,framesz=8192 role public\n",
	 "af_packet blocksz 4096 is not a multiple of framesz 8192"},
	{"port p0 dev net_af_packet0,iface=veth0,framesz=1024 role public\n", NULL},
	{"port p0 dev eth_af_packet0,iface=veth0,framesz=4096 role public mtu 4045\n",
	 "MTU 4045 does not fit af_packet frames of 4096 bytes (MTU 4044 at most)"},
	{"port p0 dev net_af_packet0,iface=veth0,framesz=100 role public\n",
	 "port p0: af_packet framesz 100 is out of range (628-65439)"},
	{"port p0 dev net_af_packet0,iface=veth0,framesz=65440 role public\n",
	 "af_packet framesz 65440 is out of range"},
	{"port p0 dev net_af_packet0,iface=veth0,framesz=65408,blocksz=65408 role public\n", NULL},
};

static void test_config_checks(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char err[VGW_ERR_LEN] = "";
		int rc = unit_load_text(cases[i].text, err);
		if ((rc == 0) != (cases[i].want == NULL))
			fprintf(stderr, "\n  case %zu: %s -> %d %s\n", i, cases[i].text, rc, err);
		if (!cases[i].want) {
			ASSERT_EQ(rc, 0);
			continue;
		}
		ASSERT_EQ(rc, -1);
		ASSERT_CONTAINS(err, cases[i].want);
		ASSERT_CONTAINS(err, UNIT_CONF_PREFIX);
	}
}

/* The data room an mbuf needs: the largest frame, at least DPDK's default. */
static void test_data_room(void)
{
	char err[VGW_ERR_LEN] = "";
	ASSERT_EQ(unit_load_text("port p0 dev net_null0 role public\n"
			    "port p1 dev net_null1 role underlay mtu 1600\n", err), 0);
	ASSERT_EQ(vgw_port_data_room(), RTE_MBUF_DEFAULT_DATAROOM); /* 1622 fits 2048 */
	ASSERT_EQ(unit_load_text("port p0 dev net_null0 role public mtu 2026\n", err), 0);
	ASSERT_EQ(vgw_port_data_room(), RTE_MBUF_DEFAULT_DATAROOM);
	ASSERT_EQ(unit_load_text("port p0 dev net_null0 role public mtu 2027\n", err), 0);
	ASSERT_EQ(vgw_port_data_room(), 2049);
	ASSERT_EQ(unit_load_text("port p0 dev net_null0 role public\n"
			    "port p1 dev net_null1 role underlay mtu 9000\n", err), 0);
	ASSERT_EQ(vgw_port_data_room(), 9000 + VGW_PORT_FRAME_OVERHEAD);
	/* af_packet: its RX queue wants framesz - 32 in one mbuf */
	ASSERT_EQ(unit_load_text("port p0 dev net_af_packet0,iface=v0,framesz=16384,blocksz=16384 "
			    "role public\n", err), 0);
	ASSERT_EQ(vgw_port_data_room(), 16384 - 32);
	/* the MTU in effect counts (an af_packet port takes its interface's) */
	vgw_gw.ports[0].mtu = 9000;
	ASSERT_EQ(vgw_port_data_room(), 16384 - 32);
	ASSERT_EQ(unit_load_text("port p0 dev net_af_packet0,iface=v0 role public\n", err), 0);
	vgw_gw.ports[0].mtu = 1990;
	ASSERT_EQ(vgw_port_data_room(), RTE_MBUF_DEFAULT_DATAROOM);
	vgw_settings_reset();
}

static void test_running_config(void)
{
	char err[VGW_ERR_LEN] = "";
	ASSERT_EQ(unit_load_text("port p0 dev net_null0 role public mtu 1500\n"
			    "port p1 dev net_af_packet1,iface=v1 role underlay\n"
			    "port p2 dev net_null2 role underlay mtu 9000\n", err), 0);
	ASSERT_EQ(vgw_gw.ports[1].mtu, 1500);
	ASSERT_EQ(vgw_gw.ports[1].mtu_conf, 0);
	/* start-up: p1 took its interface's MTU */
	vgw_gw.ports[1].mtu = 1400;
	struct vgw_buf b;
	vgw_buf_init(&b);
	vgw_settings_running_config(&b);
	ASSERT_CONTAINS(b.data, "port p0 dev net_null0 role public mtu 1500\n");
	ASSERT_CONTAINS(b.data, "port p1 dev net_af_packet1,iface=v1 role underlay\n");
	ASSERT_CONTAINS(b.data, "port p2 dev net_null2 role underlay mtu 9000\n");
	vgw_buf_free(&b);
	vgw_settings_reset();
}

int main(void)
{
	static const struct unit_test tests[] = {
		{"devargs: iface, framesz, af_packet names", test_devargs},
		{"mtu and af_packet frames checked with FILE:LINE", test_config_checks},
		{"the mbuf data room follows the largest MTU", test_data_room},
		{"running config prints the configured MTU", test_running_config},
	};
	return unit_run("port-mtu", tests, sizeof(tests) / sizeof(tests[0]));
}
