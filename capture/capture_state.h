/* What a capture source is doing, shown on screen and written to telemetry. */
#ifndef NG_CAPTURE_STATE_H
#define NG_CAPTURE_STATE_H

typedef enum {
    CAP_STREAMING,
    CAP_NO_DEVICE,       /* absent, unplugged, or not openable */
    CAP_NO_SIGNAL,       /* the input has no signal (DV timings: ENOLINK) */
    CAP_NO_SYNC,         /* a signal the receiver cannot lock to (ENOLCK) */
    CAP_STALLED,         /* streaming but no frames, or the driver failed */
    CAP_FORMAT_CHANGED,  /* the source changed resolution: renegotiating */
    CAP_UNSUPPORTED,     /* nothing we can capture (format, timings out of range) */
} capture_state;

/* "streaming", "no_device", ... */
const char *capture_state_name(capture_state s);
/* "NO SIGNAL", "NO DEVICE", ... for banners; NULL for streaming. */
const char *capture_state_banner(capture_state s);
/* The state an errno from the device means. */
capture_state capture_state_for_errno(int err);

#endif
