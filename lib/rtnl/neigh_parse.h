/* Netlink neighbour messages <-> plain values (pure functions, no state, no
 * DPDK). Used by the slow path's neighbour follower (neigh_follow.c) and by
 * the unit tests; any thread could call them.
 *
 * vgw_kneigh_parse() reads one RTM_NEWNEIGH / RTM_DELNEIGH message as the
 * kernel sends it (notification, dump answer, or answer to RTM_GETNEIGH) and
 * says whether it is an IPv4 neighbour to apply (OK), a message that does not
 * concern us (IGN_*), or one we cannot use (ERR_*). It must be safe on
 * arbitrary bytes: the message and its attributes are walked with libmnl
 * (nl_sock.h: vgw_rtnl_nl_msg_step, vgw_rtnl_nl_attr_parse), every length is checked
 * against the bytes available, every attribute read is checked for its exact
 * size (mnl_attr_validate), and nothing is read past `avail`. msg is 4-byte
 * aligned, as netlink buffers are (libmnl reads the headers in place).
 *
 * A usable MAC: the kernel's entry is in a valid state (REACHABLE, STALE,
 * DELAY, PROBE, PERMANENT, NOARP: NUD_VALID) and carries a 6-byte
 * NDA_LLADDR. An RTM_NEWNEIGH in a valid state without one is ERR_LLADDR
 * (an Ethernet neighbour always has it); an RTM_DELNEIGH needs no MAC, so a
 * missing or odd one only leaves has_mac false. INCOMPLETE, FAILED and NONE
 * entries have no usable MAC whatever they carry.
 *
 * The builders write the two requests vgwd sends (vgw_kneigh_msg_get,
 * vgw_kneigh_msg_use) into a caller's buffer, so that their bytes can be
 * checked without a socket. */
#ifndef VGW_KNEIGH_PARSE_H
#define VGW_KNEIGH_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Results: OK, then ignored kinds, then errors. */
#define VGW_KNEIGH_MSG_RESULTS(X)                                                    \
	X(OK, "ok", "an IPv4 neighbour to apply or remove")                          \
	X(IGN_MSG_TYPE, "msg_type", "not RTM_NEWNEIGH or RTM_DELNEIGH")              \
	X(IGN_FAMILY, "family", "not IPv4 (IPv6, bridge FDB, ...)")                  \
	X(IGN_PROXY, "proxy", "a proxy-ARP entry (NTF_PROXY)")                       \
	X(IGN_TYPE, "type", "not a unicast neighbour (broadcast, multicast, local)") \
	X(IGN_NO_DST, "no_dst", "no NDA_DST")                                        \
	X(ERR_TRUNCATED, "truncated", "shorter than its headers or than its length field") \
	X(ERR_ATTR, "bad_attr", "an attribute length is invalid or NDA_DST is not 4 bytes") \
	X(ERR_LLADDR, "bad_lladdr", "an entry in a valid state without a 6-byte NDA_LLADDR")

#define VGW_X_ENUM(id, name, help) VGW_KNEIGH_MSG_##id,
enum vgw_kneigh_msg_result { VGW_KNEIGH_MSG_RESULTS(VGW_X_ENUM) VGW_KNEIGH_MSG_RESULT_MAX };
#undef VGW_X_ENUM
#define VGW_KNEIGH_MSG_FIRST_ERR VGW_KNEIGH_MSG_ERR_TRUNCATED

extern const char *const vgw_kneigh_msg_result_names[VGW_KNEIGH_MSG_RESULT_MAX];

enum vgw_kneigh_msg_op { VGW_KNEIGH_MSG_ADD, VGW_KNEIGH_MSG_DEL };

struct vgw_kneigh_msg {
	uint8_t op;      /* enum vgw_kneigh_msg_op */
	uint8_t flags;   /* ndm_flags (NTF_*) */
	uint16_t state;  /* ndm_state (NUD_*) */
	int32_t ifindex; /* ndm_ifindex; set as soon as the ndmsg was read */
	uint32_t ip;     /* host order */
	bool has_mac;
	uint8_t mac[6];
};

/* msg: one netlink message, avail: the bytes readable from msg (the message's
 * own length field is checked against it). The fields of r are meaningful
 * as far as parsing got: all of them for OK; ifindex for any result after
 * the ndmsg was read (so that a caller can tell whether a malformed message
 * was about an interface it follows). */
enum vgw_kneigh_msg_result vgw_kneigh_parse(const void *msg, size_t avail,
					    struct vgw_kneigh_msg *r);

static inline bool vgw_kneigh_msg_is_error(enum vgw_kneigh_msg_result res)
{
	return res >= VGW_KNEIGH_MSG_FIRST_ERR;
}

/* Bytes of either request (header, ndmsg, NDA_DST). */
#define VGW_KNEIGH_REQ_LEN 36u

/* RTM_GETNEIGH for (ifindex, ip): the kernel answers with its entry (an
 * RTM_NEWNEIGH carrying seq) or an NLMSG_ERROR (ENOENT: it has none). It
 * changes nothing in the kernel. Returns the length, 0 if cap is too small. */
size_t vgw_kneigh_msg_get(void *buf, size_t cap, uint32_t seq, int32_t ifindex, uint32_t ip);

/* RTM_NEWNEIGH, NLM_F_CREATE, ndm_flags NTF_USE, ndm_state 0: the kernel
 * creates the entry if needed and calls neigh_event_send(), i.e. resolves
 * (INCOMPLETE: broadcast ARP) or re-confirms (STALE -> DELAY -> PROBE: unicast
 * ARP) exactly as if it had a packet for the neighbour; the outcome comes as
 * an ordinary RTM_NEWNEIGH notification. The kernel ignores ndm_state with
 * NTF_USE but clears NUD_PERMANENT (Linux >= 5.16, __neigh_update), so this
 * must never be sent for an entry the kernel holds as PERMANENT. No
 * NLM_F_ACK: only an error is answered. Returns the length, 0 if cap is too
 * small. */
size_t vgw_kneigh_msg_use(void *buf, size_t cap, uint32_t seq, int32_t ifindex, uint32_t ip);

#endif
