/* vgwd: the gateway daemon.
 *
 *   vgwd -c FILE [-- EAL ARGS...]
 *   vgwd --check -c FILE     (the file only: no EAL, no ports)
 *
 * Start-up order matters: the settings shape EAL and the ports; the shared
 * state (workers, RCU, pool, rings) comes first, then every module's init in
 * the module table's order (core/module.h, lib/modules.c): the tables and
 * ports exist before the startup commands run (so a route can name a next
 * hop on a port); the commands are applied before the modules start (so the
 * first packet already sees the configured state); the control socket opens
 * last. Any error on the way is printed and vgwd exits non-zero; the
 * modules' fini then runs in reverse order, for every module. */
#include <getopt.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_pdump.h>
#include <rte_ring.h>

#include "conf/loader.h"
#include "conf/settings.h"
#include "core/defer.h"
#include "core/gw.h"
#include "core/log.h"
#include "core/module.h"
#include "ctl/slowpath.h"
#include "ctl/telemetry.h"
#include "dp/worker.h"
#include "vgw_version.h"

static void usage(FILE *out)
{
	fprintf(out, "usage: vgwd -c FILE [-- EAL-ARGS...]\n"
		     "       vgwd --check -c FILE\n"
		     "  -c, --config FILE  startup file: settings, then vgwctl commands\n"
		     "      --check        read FILE and exit: 0 when it is valid, else 1 with\n"
		     "                     FILE:LINE. Checks every setting and each command's\n"
		     "                     name and argument count; what a command's arguments\n"
		     "                     name (ports, VPCs, addresses) is checked only when\n"
		     "                     vgwd applies it. No EAL, no ports, no root needed.\n"
		     "  -V, --version      print the version and the build's -march (native, baseline)\n"
		     "  -h, --help         this help\n"
		     "Signals: SIGTERM, SIGINT stop vgwd; SIGHUP is ignored (restart to apply\n"
		     "the startup file). Under systemd (Type=notify) it sends READY=1 once the\n"
		     "ports run and the control socket answers.\n");
}

/* --check: the settings and the commands' grammar, as vgwd reads them at
 * start before EAL (conf/loader.h); nothing is created. */
static int check_file(const char *conf)
{
	char err[VGW_ERR_LEN];
	/* reset on every way out: what the settings allocated (the EAL words)
	 * is freed, so a leak checker sees none at exit */
	if (vgw_load_settings(conf, err) < 0) {
		fprintf(stderr, "vgwd: %s\n", err);
		vgw_load_discard();
		vgw_settings_reset();
		return 1;
	}
	vgw_load_discard();
	/* the group may exist only on the host that runs vgwd (the package's
	 * postinst creates it): not an error here, said all the same */
	const char *g = vgw_gw.set.socket_group;
	if (g[0] && !getgrnam(g))
		fprintf(stderr, "vgwd: %s: warning: control group %s does not exist on this host "
			"(vgwd will not start without it)\n", conf, g);
	printf("%s: ok\n", conf);
	vgw_settings_reset();
	return 0;
}

static bool has_arg(const char *a)
{
	for (int i = 0; i < vgw_startup.n_eal_args; i++)
		if (strcmp(vgw_startup.eal_args[i], a) == 0)
			return true;
	return false;
}

static int eal_init(const char *prog, int extra_argc, char **extra_argv)
{
	char *argv[VGW_MAX_EAL_ARGS * 2 + 8];
	int argc = 0;
	argv[argc++] = (char *)prog;
	if (!has_arg("-l") && !has_arg("--lcores") && !has_arg("-c")) {
		argv[argc++] = (char *)"--lcores";
		argv[argc++] = vgw_gw.set.lcores;
	}
	if (!has_arg("--file-prefix")) {
		argv[argc++] = (char *)"--file-prefix";
		argv[argc++] = (char *)"vgw";
	}
	for (int i = 0; i < vgw_startup.n_eal_args; i++)
		argv[argc++] = vgw_startup.eal_args[i];
	for (int i = 0; i < extra_argc && argc < (int)(sizeof(argv) / sizeof(argv[0])) - 1; i++)
		argv[argc++] = extra_argv[i];
	argv[argc] = NULL;
	return rte_eal_init(argc, argv);
}

/* What every module shares (core/gw.h): workers, RCU, the pool sized by
 * what each module holds, the rings between workers and to the tunnel. */
static int create_shared(char *err)
{
	unsigned int lc;
	RTE_LCORE_FOREACH_WORKER(lc) {
		if (vgw_gw.n_workers == VGW_MAX_WORKERS) {
			snprintf(err, VGW_ERR_LEN, "at most %d workers", VGW_MAX_WORKERS);
			return -1;
		}
		struct vgw_worker *w = &vgw_gw.workers[vgw_gw.n_workers];
		w->lcore = lc;
		w->idx = vgw_gw.n_workers++;
	}
	if (vgw_gw.n_workers == 0) {
		snprintf(err, VGW_ERR_LEN,
			 "no worker lcore: 'lcores' needs the main lcore and at least one more");
		return -1;
	}
	size_t sz = rte_rcu_qsbr_get_memsize(vgw_gw.n_workers);
	vgw_gw.rcu = rte_zmalloc("vgw_rcu", sz, RTE_CACHE_LINE_SIZE);
	if (!vgw_gw.rcu || rte_rcu_qsbr_init(vgw_gw.rcu, vgw_gw.n_workers) != 0) {
		snprintf(err, VGW_ERR_LEN, "cannot create the RCU variable");
		return -1;
	}
	vgw_defer_init(vgw_gw.rcu);

	uint32_t n = vgw_gw.set.mbufs;
	if (!n) {
		/* what the modules hold (port rings, punt rings, taps, neighbour
		 * queues), the tunnel ring and the handoff rings */
		n = VGW_TUNNEL_RING_SIZE +
		    vgw_gw.n_workers * (vgw_gw.n_workers - 1) * VGW_HANDOFF_RING_SIZE;
		VGW_FOREACH_MODULE(mod)
			if (mod->mbufs)
				n += mod->mbufs();
		if (n < 16383)
			n = 16383;
	}
	/* no RX scatter: one mbuf holds the largest frame of any port */
	uint32_t room = vgw_gw.data_room ? vgw_gw.data_room : RTE_MBUF_DEFAULT_DATAROOM;
	vgw_gw.pool = rte_pktmbuf_pool_create(
		"vgw_mbufs", n, 256,
		RTE_ALIGN(sizeof(struct vgw_dp_mbuf_priv), RTE_MBUF_PRIV_ALIGN),
		(uint16_t)(RTE_PKTMBUF_HEADROOM + room), (int)rte_socket_id());
	if (!vgw_gw.pool) {
		snprintf(err, VGW_ERR_LEN, "cannot create a pool of %u mbufs of %u bytes: %s", n,
			 RTE_PKTMBUF_HEADROOM + room, rte_strerror(rte_errno));
		return -1;
	}
	if (vgw_gw_seed(err) < 0)
		return -1;
	if (room > RTE_MBUF_DEFAULT_DATAROOM)
		VGW_LOG(INFO, core, "mbufs hold frames of %u bytes (the largest port MTU)\n", room);
	for (unsigned int w = 0; w < vgw_gw.n_workers; w++) {
		char name[RTE_RING_NAMESIZE];
		for (unsigned int to = 0; vgw_gw.n_workers > 1 && to < vgw_gw.n_workers; to++) {
			if (to == w)
				continue;
			snprintf(name, sizeof(name), "vgw_ho%u_%u", w, to);
			vgw_gw.workers[w].handoff[to] =
				rte_ring_create(name, VGW_HANDOFF_RING_SIZE, SOCKET_ID_ANY,
						RING_F_SP_ENQ | RING_F_SC_DEQ);
			if (!vgw_gw.workers[w].handoff[to]) {
				snprintf(err, VGW_ERR_LEN, "cannot create handoff ring");
				return -1;
			}
		}
	}
	vgw_gw.tunnel = rte_ring_create("vgw_tunnel", VGW_TUNNEL_RING_SIZE, SOCKET_ID_ANY,
					RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (!vgw_gw.tunnel) {
		snprintf(err, VGW_ERR_LEN, "cannot create the tunnel ring");
		return -1;
	}
	return 0;
}

/* One phase over the module table; the first failure ends it (its module
 * names itself in err). */
static int modules_prepare(char *err)
{
	VGW_FOREACH_MODULE(mod)
		if (mod->prepare && mod->prepare(err) < 0)
			return -1;
	return 0;
}

static int modules_init(char *err)
{
	VGW_FOREACH_MODULE(mod)
		if (mod->init && mod->init(err) < 0)
			return -1;
	return 0;
}

static int modules_start(char *err)
{
	VGW_FOREACH_MODULE(mod)
		if (mod->start && mod->start(err) < 0)
			return -1;
	return 0;
}

/* Every module, in reverse order: the workers are gone (or never ran). Their
 * tables are malloc'd objects in DPDK-memory indexes, which a leak checker
 * does not scan: freed here, a leak it reports is a real one. */
static void modules_fini(void)
{
	int n = 0;
	while (vgw_modules[n])
		n++;
	while (n-- > 0)
		if (vgw_modules[n]->fini)
			vgw_modules[n]->fini();
}

/* Why vgwd stops: on stderr as always (whoever started vgwd reads it there),
 * and in the log too when that goes to syslog. */
static void fatal(const char *msg)
{
	fprintf(stderr, "vgwd: %s\n", msg);
	if (vgw_log_output() == VGW_LOG_SYSLOG)
		VGW_LOG(ERR, core, "%s\n", msg);
}

int main(int argc, char **argv)
{
	const char *conf = NULL;
	int opt;
	/* options end at "--": the rest goes to EAL */
	int ours = argc;
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			ours = i;
			break;
		}
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"check", no_argument, NULL, 'k'},
		{"version", no_argument, NULL, 'V'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	bool check = false;
	while ((opt = getopt_long(ours, argv, "c:hV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			conf = optarg;
			break;
		case 'k':
			check = true;
			break;
		case 'V':
			printf("vgwd %s\nmarch: %s\n", VGW_VERSION, VGW_BUILD_MARCH);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!conf || optind != ours || (check && ours != argc)) {
		usage(stderr);
		return 2;
	}
	if (check)
		return check_file(conf);
	/* every line from here on, DPDK's too, gets a timestamp and its level
	 * (core/log.h); `log-output syslog` moves them (log module's prepare). On
	 * failure DPDK's own stream stays: lines without the stamp. */
	vgw_log_open(vgw_log_output_default());
	char err[VGW_ERR_LEN];
	/* the modules' counters (core/drop.h), then their settings; the
	 * kernel interfaces' MTUs (port's prepare) size the mbufs */
	if (vgw_counters_register(err) < 0) {
		fatal(err);
		return 1;
	}
	if (vgw_load_settings(conf, err) < 0 || modules_prepare(err) < 0) {
		fatal(err);
		return 1;
	}

	/* signals are taken by the slow path's signalfd: block them in every
	 * thread, which inherit this mask from here */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP); /* ignored by the slow path, not fatal while starting */
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	int extra = ours < argc ? argc - ours - 1 : 0;
	if (eal_init(argv[0], extra, argv + ours + 1) < 0) {
		snprintf(err, sizeof(err), "EAL initialisation failed: %s", rte_strerror(rte_errno));
		fatal(err);
		return 1;
	}
	int rc = 1;
	if (create_shared(err) < 0 || modules_init(err) < 0 || vgw_load_commands(err) < 0) {
		fatal(err);
		goto out;
	}
	rte_pdump_init();
	vgw_telemetry_register();
	if (modules_start(err) < 0) {
		fatal(err);
		goto out;
	}
	for (unsigned int w = 0; w < vgw_gw.n_workers; w++)
		rte_eal_remote_launch(vgw_dp_worker_main, &vgw_gw.workers[w],
				      vgw_gw.workers[w].lcore);
	vgw_gw.running = true;

	if (vgw_slowpath_run(err) < 0)
		fatal(err);
	else
		rc = 0;

	atomic_store(&vgw_gw.stop, true);
	rte_eal_mp_wait_lcore();
	vgw_gw.running = false;
out:
	/* workers are gone (or never ran): flush what waits for a grace period */
	vgw_defer_flush();
	modules_fini();
	rte_pdump_uninit();
	rte_eal_cleanup();
	return rc;
}
