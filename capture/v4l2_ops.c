#include "capture/v4l2_ops.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

static int sys_open(const char *path, int flags) { return open(path, flags); }
static int sys_ioctl(int fd, unsigned long request, void *arg) { return ioctl(fd, request, arg); }
static void *sys_mremap(void *old_addr, size_t old_length, size_t new_length, int flags, void *new_addr)
{
    return mremap(old_addr, old_length, new_length, flags, new_addr);
}

const v4l2_ops v4l2_system_ops = {
    .open = sys_open, .close = close, .ioctl = sys_ioctl,
    .mmap = mmap, .munmap = munmap, .mremap = sys_mremap, .poll = poll,
};

int v4l2_xioctl(const v4l2_ops *ops, int fd, unsigned long request, void *arg)
{
    int rc;
    do
        rc = ops->ioctl(fd, request, arg);
    while (rc == -1 && errno == EINTR);
    return rc;
}
