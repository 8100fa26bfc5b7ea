/* Netlink neighbour messages: see neigh_parse.h. */
#include "neigh_parse.h"

#include <string.h>

#include <arpa/inet.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "nl_sock.h"

#define VGW_X_NAME(id, name, help) name,
const char *const vgw_kneigh_msg_result_names[VGW_KNEIGH_MSG_RESULT_MAX] = {
	VGW_KNEIGH_MSG_RESULTS(VGW_X_NAME)};
#undef VGW_X_NAME

/* NUD_VALID of the kernel's include/net/neighbour.h (not a uapi header). */
#define NUD_USABLE (NUD_PERMANENT | NUD_NOARP | NUD_REACHABLE | NUD_PROBE | NUD_STALE | NUD_DELAY)

/* What the walk of a neighbour message's attributes finds. */
struct neigh_walk {
	struct vgw_kneigh_msg *r;
	bool has_dst;
	const struct nlattr *lladdr;
};

static int neigh_attr(const struct nlattr *a, void *data)
{
	struct neigh_walk *w = data;
	switch (mnl_attr_get_type(a)) {
	case NDA_DST:
		if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
			return MNL_CB_ERROR;
		uint32_t be;
		memcpy(&be, mnl_attr_get_payload(a), sizeof(be));
		w->r->ip = ntohl(be);
		w->has_dst = true;
		break;
	case NDA_LLADDR:
		w->lladdr = a; /* its size is judged below, by the entry's state */
		break;
	default:
		break; /* NDA_CACHEINFO, NDA_PROBES, NDA_VLAN, ...: not needed */
	}
	return MNL_CB_OK;
}

enum vgw_kneigh_msg_result vgw_kneigh_parse(const void *msg, size_t avail, struct vgw_kneigh_msg *r)
{
	memset(r, 0, sizeof(*r));
	const struct nlmsghdr *h = msg;
	struct ndmsg ndm;
	uint16_t type;
	if (!vgw_rtnl_nl_msg_step(msg, avail))
		return VGW_KNEIGH_MSG_ERR_TRUNCATED; /* the header or its length does not fit */
	memcpy(&type, (const uint8_t *)msg + offsetof(struct nlmsghdr, nlmsg_type), sizeof(type));
	if (type != RTM_NEWNEIGH && type != RTM_DELNEIGH)
		return VGW_KNEIGH_MSG_IGN_MSG_TYPE;
	r->op = type == RTM_NEWNEIGH ? VGW_KNEIGH_MSG_ADD : VGW_KNEIGH_MSG_DEL;
	if (mnl_nlmsg_get_payload_len(h) < sizeof(ndm))
		return VGW_KNEIGH_MSG_ERR_TRUNCATED;
	memcpy(&ndm, mnl_nlmsg_get_payload(h), sizeof(ndm));
	if (ndm.ndm_family != AF_INET)
		return VGW_KNEIGH_MSG_IGN_FAMILY;
	r->ifindex = ndm.ndm_ifindex;
	r->state = ndm.ndm_state;
	r->flags = ndm.ndm_flags;

	struct neigh_walk w = {.r = r};
	if (vgw_rtnl_nl_attr_parse(h, sizeof(ndm), neigh_attr, &w) < 0)
		return VGW_KNEIGH_MSG_ERR_ATTR;
	if (ndm.ndm_flags & NTF_PROXY)
		return VGW_KNEIGH_MSG_IGN_PROXY;
	/* the kernel types IPv4 neighbours by inet_addr_type(): broadcast and
	 * multicast entries (NOARP, a group MAC) are no next hops */
	if (ndm.ndm_type != RTN_UNICAST && ndm.ndm_type != RTN_UNSPEC)
		return VGW_KNEIGH_MSG_IGN_TYPE;
	if (!w.has_dst)
		return VGW_KNEIGH_MSG_IGN_NO_DST;
	if (!(ndm.ndm_state & NUD_USABLE))
		return VGW_KNEIGH_MSG_OK; /* INCOMPLETE, FAILED, NONE: no MAC to use */
	if (w.lladdr && mnl_attr_validate2(w.lladdr, MNL_TYPE_BINARY, 6) == 0) {
		memcpy(r->mac, mnl_attr_get_payload(w.lladdr), 6);
		r->has_mac = true;
		return VGW_KNEIGH_MSG_OK;
	}
	/* a delete needs no MAC; an update in a valid state must carry one */
	return r->op == VGW_KNEIGH_MSG_DEL ? VGW_KNEIGH_MSG_OK : VGW_KNEIGH_MSG_ERR_LLADDR;
}

_Static_assert(VGW_KNEIGH_REQ_LEN == NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct ndmsg)) + 8,
	       "a request is the header, the ndmsg and NDA_DST");

static size_t put_req(void *buf, size_t cap, uint16_t type, uint16_t flags, uint8_t ndm_flags,
		      uint32_t seq, int32_t ifindex, uint32_t ip)
{
	if (cap < VGW_KNEIGH_REQ_LEN)
		return 0;
	uint8_t *b = buf;
	memset(b, 0, VGW_KNEIGH_REQ_LEN);
	struct nlmsghdr h = {.nlmsg_len = VGW_KNEIGH_REQ_LEN, .nlmsg_type = type,
			     .nlmsg_flags = flags, .nlmsg_seq = seq, .nlmsg_pid = 0};
	struct ndmsg ndm = {.ndm_family = AF_INET, .ndm_ifindex = ifindex, .ndm_state = 0,
			    .ndm_flags = ndm_flags, .ndm_type = 0};
	struct nlattr dst = {.nla_len = 8, .nla_type = NDA_DST};
	uint32_t be = htonl(ip);
	memcpy(b, &h, sizeof(h));
	memcpy(b + NLMSG_HDRLEN, &ndm, sizeof(ndm));
	memcpy(b + NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(ndm)), &dst, sizeof(dst));
	memcpy(b + NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(ndm)) + sizeof(dst), &be, 4);
	return VGW_KNEIGH_REQ_LEN;
}

size_t vgw_kneigh_msg_get(void *buf, size_t cap, uint32_t seq, int32_t ifindex, uint32_t ip)
{
	return put_req(buf, cap, RTM_GETNEIGH, NLM_F_REQUEST, 0, seq, ifindex, ip);
}

size_t vgw_kneigh_msg_use(void *buf, size_t cap, uint32_t seq, int32_t ifindex, uint32_t ip)
{
	return put_req(buf, cap, RTM_NEWNEIGH, NLM_F_REQUEST | NLM_F_CREATE, NTF_USE, seq, ifindex,
		       ip);
}
