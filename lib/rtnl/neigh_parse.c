/* Netlink neighbour messages: see neigh_parse.h. */
#include "neigh_parse.h"

#include <string.h>

#include <arpa/inet.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "nl_attr.h"

#define VGW_X_NAME(id, name, help) name,
const char *const vgw_neigh_msg_result_names[VGW_NEIGH_MSG_RESULT_MAX] = {
	VGW_NEIGH_MSG_RESULTS(VGW_X_NAME)};
#undef VGW_X_NAME

/* NUD_VALID of the kernel's include/net/neighbour.h (not a uapi header). */
#define NUD_USABLE (NUD_PERMANENT | NUD_NOARP | NUD_REACHABLE | NUD_PROBE | NUD_STALE | NUD_DELAY)

enum vgw_neigh_msg_result vgw_neigh_parse(const void *msg, size_t avail, struct vgw_neigh_msg *r)
{
	memset(r, 0, sizeof(*r));
	const uint8_t *b = msg;
	struct nlmsghdr h;
	struct ndmsg ndm;
	if (avail < NLMSG_HDRLEN)
		return VGW_NEIGH_MSG_ERR_TRUNCATED;
	memcpy(&h, b, sizeof(h));
	if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > avail)
		return VGW_NEIGH_MSG_ERR_TRUNCATED;
	if (h.nlmsg_type != RTM_NEWNEIGH && h.nlmsg_type != RTM_DELNEIGH)
		return VGW_NEIGH_MSG_IGN_MSG_TYPE;
	r->op = h.nlmsg_type == RTM_NEWNEIGH ? VGW_NEIGH_MSG_ADD : VGW_NEIGH_MSG_DEL;
	if (h.nlmsg_len < NLMSG_HDRLEN + sizeof(ndm))
		return VGW_NEIGH_MSG_ERR_TRUNCATED;
	memcpy(&ndm, b + NLMSG_HDRLEN, sizeof(ndm));
	if (ndm.ndm_family != AF_INET)
		return VGW_NEIGH_MSG_IGN_FAMILY;
	r->ifindex = ndm.ndm_ifindex;
	r->state = ndm.ndm_state;
	r->flags = ndm.ndm_flags;

	/* the attributes start after the aligned ndmsg (12 bytes: aligned) */
	size_t body = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(ndm));
	const uint8_t *p = b + (body < h.nlmsg_len ? body : h.nlmsg_len);
	size_t n = h.nlmsg_len - (size_t)(p - b);
	struct vgw_nl_attr a;
	bool has_dst = false;
	const uint8_t *lladdr = NULL;
	size_t lladdr_len = 0;
	while (n > 0) {
		if (vgw_nl_attr_next(&p, &n, &a) < 0)
			return VGW_NEIGH_MSG_ERR_ATTR;
		switch (a.type) {
		case NDA_DST:
			if (a.size != 4)
				return VGW_NEIGH_MSG_ERR_ATTR;
			r->ip = ntohl(vgw_nl_get_u32(a.data));
			has_dst = true;
			break;
		case NDA_LLADDR:
			/* its size is judged below, by the entry's state */
			lladdr = a.data;
			lladdr_len = a.size;
			break;
		default:
			break; /* NDA_CACHEINFO, NDA_PROBES, NDA_VLAN, ...: not needed */
		}
	}
	if (ndm.ndm_flags & NTF_PROXY)
		return VGW_NEIGH_MSG_IGN_PROXY;
	/* the kernel types IPv4 neighbours by inet_addr_type(): broadcast and
	 * multicast entries (NOARP, a group MAC) are no next hops */
	if (ndm.ndm_type != RTN_UNICAST && ndm.ndm_type != RTN_UNSPEC)
		return VGW_NEIGH_MSG_IGN_TYPE;
	if (!has_dst)
		return VGW_NEIGH_MSG_IGN_NO_DST;
	if (!(ndm.ndm_state & NUD_USABLE))
		return VGW_NEIGH_MSG_OK; /* INCOMPLETE, FAILED, NONE: no MAC to use */
	if (lladdr && lladdr_len == 6) {
		memcpy(r->mac, lladdr, 6);
		r->has_mac = true;
		return VGW_NEIGH_MSG_OK;
	}
	/* a delete needs no MAC; an update in a valid state must carry one */
	return r->op == VGW_NEIGH_MSG_DEL ? VGW_NEIGH_MSG_OK : VGW_NEIGH_MSG_ERR_LLADDR;
}

_Static_assert(VGW_NEIGH_REQ_LEN == NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct ndmsg)) + 8,
	       "a request is the header, the ndmsg and NDA_DST");

static size_t put_req(void *buf, size_t cap, uint16_t type, uint16_t flags, uint8_t ndm_flags,
		      uint32_t seq, int32_t ifindex, uint32_t ip)
{
	if (cap < VGW_NEIGH_REQ_LEN)
		return 0;
	uint8_t *b = buf;
	memset(b, 0, VGW_NEIGH_REQ_LEN);
	struct nlmsghdr h = {.nlmsg_len = VGW_NEIGH_REQ_LEN, .nlmsg_type = type,
			     .nlmsg_flags = flags, .nlmsg_seq = seq, .nlmsg_pid = 0};
	struct ndmsg ndm = {.ndm_family = AF_INET, .ndm_ifindex = ifindex, .ndm_state = 0,
			    .ndm_flags = ndm_flags, .ndm_type = 0};
	struct nlattr dst = {.nla_len = 8, .nla_type = NDA_DST};
	uint32_t be = htonl(ip);
	memcpy(b, &h, sizeof(h));
	memcpy(b + NLMSG_HDRLEN, &ndm, sizeof(ndm));
	memcpy(b + NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(ndm)), &dst, sizeof(dst));
	memcpy(b + NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(ndm)) + sizeof(dst), &be, 4);
	return VGW_NEIGH_REQ_LEN;
}

size_t vgw_neigh_msg_get(void *buf, size_t cap, uint32_t seq, int32_t ifindex, uint32_t ip)
{
	return put_req(buf, cap, RTM_GETNEIGH, NLM_F_REQUEST, 0, seq, ifindex, ip);
}

size_t vgw_neigh_msg_use(void *buf, size_t cap, uint32_t seq, int32_t ifindex, uint32_t ip)
{
	return put_req(buf, cap, RTM_NEWNEIGH, NLM_F_REQUEST | NLM_F_CREATE, NTF_USE, seq, ifindex,
		       ip);
}
