/* The main thread's wait: until the processing thread hands it a frame, a signal arrives or the
 * time is up.
 *
 * Not SDL_WaitEventTimeout: on the drivers without a wait of their own (dummy, offscreen,
 * KMS/DRM: the headless daemon and a kiosk screen) SDL waits by sleeping a millisecond at a
 * time, which added ~0.55 ms (p99 1.1) to every frame's latency and woke the main thread a
 * thousand times a second. An eventfd written by the processing thread and polled with the
 * signalfd wakes it at once; SDL's events are taken after each wait (a window's input waits
 * for the next frame, at 60 fps 17 ms, or at most the wait's 40 ms time-out). */
#ifndef NG_MAIN_WAKE_H
#define NG_MAIN_WAKE_H

#include <stdbool.h>

#include "util/errbuf.h"

typedef struct {
    int fd;   /* eventfd; -1 when closed */
} main_wake;

/* 0, or -1 with why in err. */
int main_wake_init(main_wake *w, ng_errbuf *err);
void main_wake_close(main_wake *w);
/* From any thread; wakes one wait (several before it wake it once). */
void main_wake_signal(main_wake *w);
/* Waits up to ms for a wake or for other_fd (if >= 0) to be readable; takes the wake. True when
 * woken or other_fd is readable, false on time-out. */
bool main_wake_wait(main_wake *w, int other_fd, int ms);

#endif
