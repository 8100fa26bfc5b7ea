/* Port commands and the port formatter. */
#include <rte_ethdev.h>

#include "../cli/cli.h"
#include "../core/gw.h"
#include "../host/host.h"
#include "port_flow.h"

static void format_port(struct vgw_fmt *f, int i)
{
	const struct vgw_port *p = &vgw_gw.ports[i];
	char mac[VGW_MAC_STRLEN], pfx[VGW_PREFIX_STRLEN];
	struct rte_eth_link link;
	memset(&link, 0, sizeof(link));
	rte_eth_link_get_nowait(p->id, &link);
	vgw_fmt_obj_begin(f, NULL);
	vgw_fmt_str(f, "name", p->name);
	vgw_fmt_u64(f, "id", p->id);
	vgw_fmt_str(f, "role", p->role == VGW_ROLE_PUBLIC ? "public" : "underlay");
	vgw_fmt_str(f, "mac", vgw_mac_str(p->mac.addr_bytes, mac));
	vgw_fmt_u64(f, "mtu", p->mtu);
	vgw_fmt_str(f, "link", link.link_status ? "up" : "down");
	vgw_fmt_u64(f, "rxq", p->nb_rxq);
	vgw_fmt_u64(f, "txq", vgw_gw.n_workers);
	vgw_fmt_str(f, "ip_cksum", p->tx_ip_cksum ? "offload" : "software");
	vgw_fmt_list_begin(f, "addresses");
	for (int a = 0; a < p->n_addrs; a++)
		vgw_fmt_str(f, NULL, vgw_prefix_str(p->addrs[a].ip, p->addrs[a].plen, pfx));
	vgw_fmt_list_end(f);
	vgw_fmt_str(f, "dev", p->dev);
	/* the ethdev's own name (net_af_packet0, 0000:03:00.0): what dpdk-dumpcap
	 * and other secondary processes take with -i, not vgw's port name */
	char dpdk_name[RTE_ETH_NAME_MAX_LEN];
	vgw_fmt_str_or_null(f, "dpdk_name",
			    rte_eth_dev_get_name_by_port(p->id, dpdk_name) == 0 ? dpdk_name : NULL);
	/* the Linux side of the exception path (lib/host): null (text "-")
	 * when none */
	vgw_fmt_str_or_null(f, "host_port", p->host_name[0] ? p->host_name : NULL);
	int ifindex = vgw_host_ifindex((uint16_t)i);
	if (ifindex > 0)
		vgw_fmt_u64(f, "host_ifindex", (uint64_t)ifindex);
	else
		vgw_fmt_null(f, "host_ifindex");
	vgw_fmt_obj_end(f);
}

/* show port [NAME]: every port, or the one named, in the same shape. */
static int cmd_show_port(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	int only = -1;
	if (argc == 1 && (only = vgw_port_by_name(argv[0])) < 0) {
		snprintf(ctx->err, VGW_ERR_LEN, "no port named '%s'", argv[0]);
		return -1;
	}
	vgw_fmt_list_begin(ctx->f, "ports");
	for (int i = 0; i < vgw_gw.n_ports; i++)
		if (only < 0 || i == only)
			format_port(ctx->f, i);
	vgw_fmt_list_end(ctx->f);
	return 0;
}

static int cmd_show_flow(struct vgw_cli_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	vgw_port_flow_show(ctx->f);
	return 0;
}

const struct vgw_cmd vgw_port_cmds[] = {
	{"show port", "[NAME]",
	 "list ports (or the one named): role, MAC, MTU, link, queues, addresses, device, DPDK name, host port",
	 0, 1, cmd_show_port},
	{"show flow", "",
	 "NIC steering rules (rte_flow) per port: whether the port takes them, each rule's "
	 "match, queue, and whether it is in the NIC (why not)",
	 0, 0, cmd_show_flow},
	{NULL, NULL, NULL, 0, 0, NULL},
};

/* Port names for completion (cli/cli.h): the placeholders that name a port. */
static void list_ports(vgw_cli_add_fn add, void *arg)
{
	for (int i = 0; i < vgw_gw.n_ports; i++)
		add(arg, vgw_gw.ports[i].name, "");
}

const struct vgw_cli_names vgw_port_names[] = {
	{"show port", "NAME", list_ports},
	{"show stats", "PORT", list_ports},
	{"trace add", "NAME", list_ports},
	{NULL, NULL, NULL},
};
