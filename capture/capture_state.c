#include "capture/capture_state.h"

#include <errno.h>
#include <stddef.h>

const char *capture_state_name(capture_state s)
{
    static const char *const names[] = { "streaming", "no_device", "no_signal", "no_sync",
                                         "stalled", "format_changed", "unsupported" };
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

const char *capture_state_banner(capture_state s)
{
    static const char *const banners[] = { NULL, "NO DEVICE", "NO SIGNAL", "NO SYNC",
                                           "NO FRAMES (STALLED)", "FORMAT CHANGING",
                                           "UNSUPPORTED SOURCE" };
    return (unsigned)s < sizeof banners / sizeof banners[0] ? banners[s] : "SOURCE ERROR";
}

capture_state capture_state_for_errno(int err)
{
    switch (err) {
    case ENOENT: case ENODEV: case ENXIO: case EACCES: case EPERM: case ENOTTY:
        return CAP_NO_DEVICE;
    case ENOLINK: return CAP_NO_SIGNAL;
    case ENOLCK: return CAP_NO_SYNC;
    case ERANGE: return CAP_UNSUPPORTED;
    default: return CAP_STALLED;
    }
}
