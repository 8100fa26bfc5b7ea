/* Control socket server (UNIX stream, mode 0660), driven by the slow-path
 * epoll loop. Protocol in doc/interfaces.md: a request line `t|j WORDS\n`
 * (at most 4096 bytes, rules in ctl_line.h), answered by `ok|err LENGTH\n`
 * and LENGTH bytes. Commands run through vgw_cli_exec(), i.e. on the slow
 * path itself, so they never race with other configuration writers.
 *
 * The slow path also serves ARP and the timers, so no client may hold it:
 * policies (doc/architecture.md, "Control socket"):
 *  - at most VGW_CTL_QUOTA requests of one client per loop turn; requests
 *    already buffered wait for the next turn, which vgw_ctl_poll() asks for;
 *  - a client whose unsent answers exceed VGW_CTL_OUT_MAX is not read (its
 *    requests wait in its socket) until they drain below it: a client that
 *    never reads costs at most that much memory;
 *  - input is buffered up to one request line; a longer line gets `err`
 *    and the connection is closed after it;
 *  - a client without a complete request and without output progress for
 *    VGW_CTL_IDLE_MS is closed;
 *  - at most VGW_CTL_MAX_CLIENTS clients: a new one takes the slot of the
 *    longest-idle client that has nothing pending (it is told why and
 *    closed); when every client is busy the new one is refused with `err`;
 *  - every command that is not read-only (vgw_cli_read_only) is logged with
 *    the client's uid and pid (SO_PEERCRED) and its outcome.
 * Counters: ctl_refused, ctl_evicted, ctl_idle_closed, ctl_bad_request,
 * ctl_paused (slow-path counters of `show stats`).
 * Contract: slow path only; sockets are non-blocking. */
#ifndef VGW_CTL_SERVER_H
#define VGW_CTL_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include "../util/parse.h"

#define VGW_CTL_MAX_CLIENTS 128
#define VGW_CTL_QUOTA 16                   /* requests per client per turn */
#define VGW_CTL_OUT_MAX (256u * 1024)      /* unsent answer bytes per client */
#define VGW_CTL_IDLE_MS 60000u

/* Listens on path (its directory is created when missing) and registers the
 * listener in epfd. Refuses, with a message in err: a path that exists and is
 * not a socket (left untouched), and a socket a live process accepts on. A
 * socket nobody listens on is replaced. The socket is created 0660 (umask
 * 0117 around bind(), so there is no window with other modes). */
int vgw_ctl_open(const char *path, int epfd, char *err);
/* Handles an epoll event whose data.u64 is tagged by the server. */
void vgw_ctl_event(int epfd, uint64_t tag, uint32_t events);
/* Once per loop turn, after the events: serves requests that were buffered
 * but left for a later turn by the quota, closes idle clients (now_ms on
 * CLOCK_MONOTONIC) and ends the turn. True when requests are still waiting:
 * the loop must not sleep before the next call. */
bool vgw_ctl_poll(uint64_t now_ms);
void vgw_ctl_close(int epfd);

#define VGW_CTL_TAG_LISTEN 1ull
#define VGW_CTL_TAG_CLIENT 0x100ull /* + client index */

#endif
