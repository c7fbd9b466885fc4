/* Every open/ioctl/mmap/poll of the V4L2 code goes through one ops table, so tests can
 * substitute a fake device (the v4l-utils helpers do the same). */
#ifndef NG_V4L2_OPS_H
#define NG_V4L2_OPS_H

#include <poll.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct {
    int (*open)(const char *path, int flags);
    int (*close)(int fd);
    int (*ioctl)(int fd, unsigned long request, void *arg);
    void *(*mmap)(void *addr, size_t length, int prot, int flags, int fd, off_t offset);
    int (*munmap)(void *addr, size_t length);
    void *(*mremap)(void *old_addr, size_t old_length, size_t new_length, int flags, void *new_addr);
    int (*poll)(struct pollfd *fds, nfds_t nfds, int timeout_ms);
} v4l2_ops;

extern const v4l2_ops v4l2_system_ops;

/* ioctl retried on EINTR; -1 with errno set on failure. */
int v4l2_xioctl(const v4l2_ops *ops, int fd, unsigned long request, void *arg);

#endif
