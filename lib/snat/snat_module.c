/* The snat module (NAT gateway): settings, tables, the workers' engines and
 * counters (core/module.h). */
#include <stdio.h>
#include <string.h>

#include <rte_lcore.h>

#include "../cli/cli.h"
#include "../conf/settings.h"
#include "../core/module.h"
#include "../core/ratelog.h"
#include "../dp/dp.h"
#include "../dp/handoff.h"
#include "../vpc/vpc_dp.h"
#include "snat.h"
#include "snat_dp.h"
#include "snat_engine.h"
#include "snat_module.h"

struct vgw_snat_conf vgw_snat_conf;
struct vgw_snat_engine *vgw_snat_engines[VGW_MAX_WORKERS];
int vgw_snat_handoff_out, vgw_snat_handoff_in, vgw_snat_handoff_icmp;

/* ---- settings ---- */

/* snat-timeout KIND SECONDS: the RFC minimums are the floor (RFC 5382
 * REQ-5: established 2 h 4 min, transitory 4 min; RFC 4787 REQ-5: UDP
 * 2 min; RFC 5508 REQ-2: ICMP query 60 s). */
static const struct {
	const char *name;
	size_t off;
	uint32_t min, def;
} timeouts[] = {
	{"tcp-established", offsetof(struct vgw_ct_timeouts, tcp_established), 7440, 7440},
	{"tcp-transitory", offsetof(struct vgw_ct_timeouts, tcp_transitory), 240, 240},
	{"tcp-time-wait", offsetof(struct vgw_ct_timeouts, tcp_time_wait), 1, 240},
	{"udp", offsetof(struct vgw_ct_timeouts, udp), 120, 300},
	{"icmp", offsetof(struct vgw_ct_timeouts, icmp), 60, 60},
};
#define N_TIMEOUTS (sizeof(timeouts) / sizeof(timeouts[0]))

static uint32_t *timeout_field(size_t i)
{
	return (uint32_t *)((char *)&vgw_snat_conf.to + timeouts[i].off);
}

static int timeout_line(int argc, char **argv, char *err)
{
	if (argc != 3) {
		snprintf(err, VGW_ERR_LEN, "snat-timeout: expected 'KIND SECONDS'");
		return -1;
	}
	for (size_t i = 0; i < N_TIMEOUTS; i++)
		if (strcmp(argv[1], timeouts[i].name) == 0)
			return vgw_setting_u32("snat-timeout", argv[2], timeouts[i].min, 604800,
					       timeout_field(i), err);
	snprintf(err, VGW_ERR_LEN,
		 "snat-timeout: unknown kind '%s' (tcp-established, tcp-transitory, "
		 "tcp-time-wait, udp, icmp)",
		 argv[1]);
	return -1;
}

static const char *const steer_names[] = {[VGW_SNAT_STEER_PORT] = "port",
					  [VGW_SNAT_STEER_ADDRESS] = "address"};

static int table_line(int argc, char **argv, char *err)
{
	if (argc == 3 && strcmp(argv[1], "steer") == 0) {
		for (uint32_t i = 0; i < 2; i++)
			if (strcmp(argv[2], steer_names[i]) == 0) {
				vgw_snat_conf.steer = i;
				return 0;
			}
		snprintf(err, VGW_ERR_LEN, "snat-table steer: 'port' or 'address', not '%s'",
			 argv[2]);
		return -1;
	}
	snprintf(err, VGW_ERR_LEN,
		 "snat-table: expected 'max-sessions N', 'max-mappings N', 'max-vms N' or "
		 "'steer port|address'");
	return -1;
}

static const struct vgw_setting settings[] = {
	{"snat-table", .key = "max-sessions", .u32 = &vgw_snat_conf.max_sessions, .min = 16,
	 .max = 1u << 24, .def = 65536},
	{"snat-table", .key = "max-mappings", .u32 = &vgw_snat_conf.max_mappings, .min = 16,
	 .max = 1u << 22, .def = 65536},
	{"snat-table", .key = "max-vms", .u32 = &vgw_snat_conf.max_vms, .min = 16,
	 .max = 1u << 22, .def = 16384},
	{"snat-table", table_line},
	{"snat-timeout", timeout_line},
	{NULL},
};

static int settings_finish(char *err)
{
	(void)err;
	for (size_t i = 0; i < N_TIMEOUTS; i++)
		if (!*timeout_field(i))
			*timeout_field(i) = timeouts[i].def;
	/* what ct.h has beyond the RFC's kinds: a flow is confirmed by a
	 * reply, but an unreplied one is still a mapping the RFC times (the
	 * VM opened it: no spoofing to fear from outside) */
	vgw_snat_conf.to.tcp_close = 10;
	vgw_snat_conf.to.tcp_unconfirmed = vgw_snat_conf.to.tcp_transitory;
	vgw_snat_conf.to.udp_unreplied = vgw_snat_conf.to.udp;
	return 0;
}

static void settings_reset(void)
{
	memset(&vgw_snat_conf.to, 0, sizeof(vgw_snat_conf.to));
	vgw_snat_conf.steer = VGW_SNAT_STEER_PORT;
}

static void settings_config(struct vgw_buf *b)
{
	if (vgw_snat_conf.steer != VGW_SNAT_STEER_PORT)
		vgw_buf_printf(b, "snat-table steer %s\n", steer_names[vgw_snat_conf.steer]);
	for (size_t i = 0; i < N_TIMEOUTS; i++)
		vgw_buf_printf(b, "snat-timeout %s %u\n", timeouts[i].name, *timeout_field(i));
}

/* ---- start-up and the workers' loop ---- */

static void fini(void);

/* The sender's address pointer may be gone by the time the owner runs (a
 * grace period may have passed): looked up again. */
static bool fixup_addr(struct vgw_worker *w, struct rte_mbuf *m, struct vgw_pkt *p)
{
	const uint8_t *ip = rte_pktmbuf_mtod_offset(m, const uint8_t *, VGW_DP_ETH_HLEN);
	uint32_t dst = (uint32_t)ip[16] << 24 | (uint32_t)ip[17] << 16 | (uint32_t)ip[18] << 8 | ip[19];
	p->obj = vgw_snat_addr_find(dst);
	if (unlikely(!p->obj)) {
		vgw_dp_drop(w, p->in_port, VGW_SNAT_DROP(SNAT_UNSOLICITED), m);
		return false;
	}
	return true;
}

/* Sessions each worker loop looks at for expiry (as the load balancer's). */
#define AGE_BUDGET 64

static void loop(struct vgw_worker *w, uint64_t now_s)
{
	struct vgw_snat_engine *s = vgw_snat_engines[w->idx];
	s->now = now_s;
	vgw_snat_engine_age(s, AGE_BUDGET);
}

static int init(char *err)
{
	unsigned int n = vgw_gw.n_workers ? vgw_gw.n_workers : 1;
	vgw_snat_main = vgw_snat_create(vgw_gw.rcu, n, (enum vgw_snat_steer)vgw_snat_conf.steer,
					err);
	if (!vgw_snat_main)
		return -1;
	uint32_t ses = vgw_snat_conf.max_sessions / n, maps = vgw_snat_conf.max_mappings / n,
		 vms = vgw_snat_conf.max_vms / n;
	for (unsigned int i = 0; i < n; i++) {
		int sock = vgw_gw.n_workers ? (int)rte_lcore_to_socket_id(vgw_gw.workers[i].lcore)
					    : SOCKET_ID_ANY;
		vgw_snat_engines[i] = vgw_snat_engine_create(
			vgw_snat_main, i, n, ses < 16 ? 16 : ses, maps < 16 ? 16 : maps,
			vms < 16 ? 16 : vms, &vgw_snat_conf.to, sock, err);
		if (!vgw_snat_engines[i]) {
			fini();
			return -1;
		}
	}
	vgw_snat_main->engines = vgw_gw.n_workers;
	vgw_snat_handoff_out = vgw_dp_handoff_kind("snat-out", VGW_STAGE_SNAT, VGW_SNAT_OUT, NULL);
	vgw_snat_handoff_in = vgw_dp_handoff_kind("snat-in", VGW_STAGE_SNAT, VGW_SNAT_IN, fixup_addr);
	vgw_snat_handoff_icmp =
		vgw_dp_handoff_kind("snat-icmp", VGW_STAGE_SNAT, VGW_SNAT_ICMP_IN, fixup_addr);
	if (vgw_snat_handoff_out < 0 || vgw_snat_handoff_in < 0 || vgw_snat_handoff_icmp < 0 ||
	    vgw_dp_loop_hook(loop) < 0) {
		snprintf(err, VGW_ERR_LEN, "snat: the data path's handoff or loop table is full");
		fini();
		return -1;
	}
	vgw_vpc_no_eip_set(VGW_STAGE_SNAT, VGW_SNAT_OUT);
	return 0;
}

static void fini(void)
{
	vgw_vpc_no_eip_set(VGW_STAGE_N, 0);
	for (unsigned int i = 0; i < VGW_MAX_WORKERS; i++) {
		vgw_snat_engine_destroy(vgw_snat_engines[i]);
		vgw_snat_engines[i] = NULL;
	}
	vgw_snat_destroy(vgw_snat_main);
	vgw_snat_main = NULL;
}

/* Exhaustion is a counted drop on the worker and, at most once every 10 s
 * per kind, a log line here with what to raise. */
#define LOG_EVERY_MS 10000
static struct vgw_countlog exhausted[3] = {
	VGW_COUNTLOG_INIT(snat, WARNING, LOG_EVERY_MS,
			  "new mappings found no free port on their VM's pool address "
			  "(snat_ports_exhausted): add addresses to the pool"),
	VGW_COUNTLOG_INIT(snat, WARNING, LOG_EVERY_MS,
			  "new mappings refused: a VM holds its pool's max-mappings-per-vm "
			  "(snat_vm_cap)"),
	VGW_COUNTLOG_INIT(snat, WARNING, LOG_EVERY_MS,
			  "new sessions refused: a worker's SNAT table is full "
			  "(snat_sessions_full): raise snat-table max-sessions / max-mappings / "
			  "max-vms"),
};

static void tick(uint64_t now_ms)
{
	uint64_t n[3] = {0};
	for (unsigned int i = 0; i < VGW_MAX_WORKERS; i++) {
		const struct vgw_snat_engine *s = vgw_snat_engines[i];
		if (!s)
			continue;
		n[0] += s->st.exhausted;
		n[1] += s->st.vm_cap;
		n[2] += s->st.sessions_full;
	}
	for (int k = 0; k < 3; k++)
		vgw_countlog(&exhausted[k], now_ms, n[k]);
}

uint16_t vgw_snat_drop_base;
static const struct vgw_counter_desc drops[] = {VGW_SNAT_DROPS(VGW_COUNTER_DESC, _)};

const struct vgw_module vgw_snat_module = {
	.name = "snat",
	.cmds = vgw_snat_cmds,
	.settings = settings,
	.settings_finish = settings_finish,
	.settings_reset = settings_reset,
	.settings_config = settings_config,
	.running_config = vgw_snat_running_config,
	.init = init,
	.fini = fini,
	.tick = tick,
	.drops = {drops, VGW_SNAT_DROP_N, &vgw_snat_drop_base},
};
