"""snat-handoff packets and configuration, shared by gen-commands (the
commands file), packets.py and check.py.  Each VM has a pool of its own
(one address, ports 1024-1151: block 16 belongs to worker 0, block 17 to
worker 1), so that a reply is sprayed over 128 ports, not over every
VM's.

Half of a spray goes to the other worker's block: handed over, whoever owns
the VM.  The ring to a worker holds 1023 packets (VGW_HANDOFF_RING_SIZE) and
the two workers share one CPU (run_scenario.sh), so the receiving worker may
fill it before the other runs at all: what is handed over must fit, 40 VMs'
packets and the replies to the first NREPLY VMs (14 * 64 + 40 = 936), or
the test would count handoff_ring_full drops instead of translations."""
from pktlib import HV1_MAC, HV1_VTEP, HV2_MAC, HV2_VTEP, VNI_A
from snatlib import INET_TTL, REMOTE, VM, barrier, inet, spray, udp

N = 40
NREPLY = 14
LO, HI = 1024, 1151
VMS = [VM("vpca", VNI_A, "192.168.1.%d" % (10 + i), "02:aa:00:00:01:%02x" % (10 + i),
          hv_vtep=(HV1_VTEP, HV2_VTEP)[i % 2], hv_mac=(HV1_MAC, HV2_MAC)[i % 2])
       for i in range(N)]
POOLS = ["198.51.100.%d" % (100 + i) for i in range(N)]
QUERIES = [udp(v.ip, REMOTE, 5000 + i, 53, b"query-%d" % i) for i, v in enumerate(VMS)]


def reply(i):
    return lambda p: udp(REMOTE, POOLS[i], 53, p, b"answer-%d" % i, ttl=INET_TTL)


def commands():
    c = []
    for i, v in enumerate(VMS):
        c.append(v.endpoint_cmd())
        c.append("snat pool add p%d addresses %s ports %d-%d" % (i, POOLS[i], LO, HI))
        c.append("snat bind vpca pool p%d subnet %s/32" % (i, v.ip))
    return c


def inputs():
    return ([v.send(q) for v, q in zip(VMS, QUERIES)] + barrier()
            + [inet(x) for i in range(NREPLY) for x in spray(reply(i), LO, HI)])
