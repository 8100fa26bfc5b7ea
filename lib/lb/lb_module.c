/* The lb module (services, backends, health checks, the Maglev key) and the
 * conntrack module (the workers' connection tables, their size and
 * timeouts): core/module.h. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <rte_mbuf.h>
#include <rte_ring.h>

#include "../cli/cli.h"
#include "../conf/settings.h"
#include "../core/gw.h"
#include "../core/log.h"
#include "../core/module.h"
#include "health.h"
#include "lb_dp.h"
#include "ct_worker.h"
#include "service.h"

struct vgw_lb_conf vgw_lb_conf;

/* ---------------------------------------------------------------- lb */

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
	vgw_lb_conf.maglev_key = (struct vgw_siphash_key){k0, k1};
	vgw_lb_conf.maglev_key_set = true;
	return 0;
}

static const struct vgw_setting lb_settings[] = {{"maglev", maglev_line}, {NULL, NULL}};

static void lb_settings_config(struct vgw_buf *b)
{
	if (!vgw_lb_conf.maglev_key_set)
		return;
	vgw_buf_puts(b, "maglev key ");
	for (int i = 0; i < 16; i++)
		vgw_buf_printf(b, "%02x",
			       (unsigned int)((i < 8 ? vgw_lb_conf.maglev_key.k0 >> (8 * i)
						    : vgw_lb_conf.maglev_key.k1 >> (8 * (i - 8))) &
					      0xff));
	vgw_buf_puts(b, "\n");
}

static void lb_settings_reset(void)
{
	vgw_lb_conf.maglev_key_set = false;
	memset(&vgw_lb_conf.maglev_key, 0, sizeof(vgw_lb_conf.maglev_key));
}

/* Health-check frames go to worker 0, which tunnels them; priv.in_port names
 * an underlay port so that a drop on the way is counted where it belongs. */
static void hc_tunnel_tx(struct rte_mbuf *m)
{
	struct vgw_dp_mbuf_priv *pr = rte_mbuf_to_priv(m);
	pr->in_port = 0;
	for (int p = 0; p < vgw_gw.n_ports; p++)
		if (vgw_gw.ports[p].role == VGW_ROLE_UNDERLAY) {
			pr->in_port = (uint16_t)p;
			break;
		}
	if (rte_ring_sp_enqueue(vgw_gw.tunnel, m) != 0) {
		vgw_gw.sp_stats[VGW_LB_SP(TUNNEL_RING_FULL)]++;
		rte_pktmbuf_free(m);
	}
}

static const struct vgw_lb_health_ops health_ops = {
	.alloc = vgw_gw_sp_alloc,
	.tunnel_tx = hc_tunnel_tx,
	.count = vgw_gw_sp_count,
};

uint8_t vgw_lb_handoff_kinds[VGW_LB_KINDS];

/* The packets lb hands to a flow's owner (dp/handoff.h): each arrives in the
 * owner's lb stage as the lb kind it left as. */
static int lb_handoff_kinds(char *err)
{
	static const struct {
		const char *name;
		vgw_dp_handoff_fixup_fn fixup;
	} k[VGW_LB_KINDS] = {
		[VGW_LB_VIP] = {"lb-vip", vgw_lb_vip_handed},
		[VGW_LB_REPLY] = {"lb-reply", NULL},
		[VGW_LB_ICMP] = {"lb-vip-icmp", NULL},
	};
	for (unsigned int i = 0; i < VGW_LB_KINDS; i++) {
		int id = vgw_dp_handoff_kind(k[i].name, VGW_STAGE_LB, (uint16_t)i, k[i].fixup);
		if (id < 0) {
			snprintf(err, VGW_ERR_LEN, "lb: no room for handoff kind %s", k[i].name);
			return -1;
		}
		vgw_lb_handoff_kinds[i] = (uint8_t)id;
	}
	return 0;
}

static int lb_init(char *err)
{
	if (lb_handoff_kinds(err) < 0 || vgw_lb_init(vgw_gw.rcu, err) < 0)
		return -1;
	vgw_lb_health_init(&health_ops);
	if (!vgw_lb_conf.maglev_key_set)
		VGW_LOG(WARNING, lb,
			"maglev key not set: backend picks use the built-in key, which anyone "
			"can read; give every gateway node of a cluster the same 'maglev key HEX'\n");
	return 0;
}

static void health_punt(struct rte_mbuf *m, uint64_t now)
{
	vgw_lb_health_input(m, now);
}

static const struct vgw_punt_handler lb_punts[] = {
	{VGW_PUNT_HEALTH, health_punt},
	{0, NULL},
};

uint16_t vgw_lb_drop_base, vgw_lb_sp_base;
static const struct vgw_counter_desc lb_drops[] = {VGW_LB_DROPS(VGW_COUNTER_DESC, _)};
static const struct vgw_counter_desc lb_counters[] = {VGW_LB_COUNTERS(VGW_COUNTER_DESC, _)};

const struct vgw_module vgw_lb_module = {
	.name = "lb",
	.cmds = vgw_lb_cmds,
	.names = vgw_lb_names,
	.settings = lb_settings,
	.settings_reset = lb_settings_reset,
	.settings_config = lb_settings_config,
	.running_config = vgw_lb_running_config,
	.init = lb_init,
	.fini = vgw_lb_fini,
	.tick = vgw_lb_health_tick,
	.punts = lb_punts,
	.drops = {lb_drops, VGW_LB_DROP_N, &vgw_lb_drop_base},
	.sp_counters = {lb_counters, VGW_LB_SP_N, &vgw_lb_sp_base},
};

/* ---------------------------------------------------------------- conntrack */

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

static uint32_t *timeout_field(struct vgw_ct_timeouts *t, size_t i)
{
	return (uint32_t *)((char *)t + ct_timeout_names[i].off);
}

/* conntrack timeout KIND SECONDS (`conntrack max-entries N` is a number
 * setting: conf/settings.c) */
static int conntrack_line(int argc, char **argv, char *err)
{
	if (argc == 4 && strcmp(argv[1], "timeout") == 0) {
		for (size_t i = 0; i < N_CT_TIMEOUTS; i++)
			if (strcmp(argv[2], ct_timeout_names[i].name) == 0)
				return vgw_setting_u32("conntrack timeout", argv[3], 1, 604800,
						       timeout_field(&vgw_lb_conf.ct_timeouts, i),
						       err);
		snprintf(err, VGW_ERR_LEN,
			 "conntrack timeout: unknown kind '%s' (tcp-established, tcp-transitory, "
			 "tcp-time-wait, tcp-close, tcp-unconfirmed, udp, udp-unreplied, icmp)", argv[2]);
		return -1;
	}
	snprintf(err, VGW_ERR_LEN,
		 "conntrack: expected 'max-entries N' or 'timeout KIND SECONDS'");
	return -1;
}

static const struct vgw_setting ct_settings[] = {
	{"conntrack", .key = "max-entries", .u32 = &vgw_lb_conf.ct_max_entries, .min = 16,
	 .max = 1u << 24, .def = 262144},
	{"conntrack", conntrack_line},
	{NULL},
};

static int ct_settings_finish(char *err)
{
	(void)err;
	for (size_t i = 0; i < N_CT_TIMEOUTS; i++)
		if (!*timeout_field(&vgw_lb_conf.ct_timeouts, i))
			*timeout_field(&vgw_lb_conf.ct_timeouts, i) = *timeout_field(
				(struct vgw_ct_timeouts *)&vgw_ct_default_timeouts, i);
	return 0;
}

static void ct_settings_reset(void)
{
	memset(&vgw_lb_conf.ct_timeouts, 0, sizeof(vgw_lb_conf.ct_timeouts));
}

static void ct_settings_config(struct vgw_buf *b)
{
	for (size_t i = 0; i < N_CT_TIMEOUTS; i++)
		vgw_buf_printf(b, "conntrack timeout %s %u\n", ct_timeout_names[i].name,
			       *timeout_field(&vgw_lb_conf.ct_timeouts, i));
}

static int ct_init(char *err)
{
	return vgw_ct_workers_create(vgw_lb_conf.ct_max_entries, &vgw_lb_conf.ct_timeouts, err);
}

const struct vgw_module vgw_conntrack_module = {
	.name = "conntrack",
	.cmds = vgw_ct_cmds,
	.settings = ct_settings,
	.settings_finish = ct_settings_finish,
	.settings_reset = ct_settings_reset,
	.settings_config = ct_settings_config,
	.init = ct_init,
	.fini = vgw_ct_workers_destroy,
};
