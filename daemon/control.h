/* The control socket: a UNIX stream socket (mode 0660), peers checked by SO_PEERCRED against
 * [control] allow_uid / allow_group (the daemon's own user is always let in). Polled from the
 * main loop without ever blocking: lines and clients are bounded, a client that does not read
 * its replies is dropped rather than waited for. */
#ifndef NG_CONTROL_H
#define NG_CONTROL_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "util/errbuf.h"

#define CONTROL_MAX_CLIENTS 8
#define CONTROL_OUT_MAX (64 * 1024)   /* replies waiting for a client, at most */

/* Answers one request line with one JSON reply (no newline) in reply. */
typedef void (*control_handler)(void *ctx, const char *line, char *reply, size_t n);

typedef struct control control;

/* NULL with the reason in err (a path that cannot be bound, ...). */
control *control_open(const ng_control_config *cc, ng_errbuf *err);
/* Accepts, reads, answers and writes what it can now; never blocks. */
void control_poll(control *c, control_handler h, void *ctx);
int control_clients(const control *c);
uint64_t control_refused(const control *c);
void control_close(control *c);   /* and removes the socket file */

#endif
