/* The real window: the overlay on SDL's x11 driver under Xvfb, read back from the X server's
 * own framebuffer (Xvfb -fbdir keeps it in an XWD file), compared with the same golden image
 * as the software-renderer test. Skips, loudly, without Xvfb. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>

#include "test_image.h"
#include "test_overlay_view.h"

/* Under ASan: the X11 and D-Bus libraries SDL loads (and unloads at SDL_Quit) keep allocations
 * LeakSanitizer reports but cannot name. The overlay's own allocations are leak-checked by
 * test_overlay on the dummy driver. */
const char *__asan_default_options(void);
const char *__asan_default_options(void) { return "detect_leaks=0"; }

static pid_t xvfb = -1;
static char fb_path[256];

/* Starts Xvfb on a free display; 0, or -1 when it cannot. */
static int start_xvfb(void)
{
    if (access("/usr/bin/Xvfb", X_OK) != 0)
        return -1;
    const char *dir = test_tmpdir();   /* made here: a child's would be its own */
    for (int d = 90; d < 130; d++) {
        char sock[64], lock[64];
        snprintf(sock, sizeof sock, "/tmp/.X11-unix/X%d", d);
        snprintf(lock, sizeof lock, "/tmp/.X%d-lock", d);
        if (access(sock, F_OK) == 0 || access(lock, F_OK) == 0)
            continue;
        char disp[16];
        snprintf(disp, sizeof disp, ":%d", d);
        xvfb = fork();
        if (xvfb == 0) {
            int null = open("/dev/null", O_WRONLY);
            dup2(null, 1);
            dup2(null, 2);
            execl("/usr/bin/Xvfb", "Xvfb", disp, "-screen", "0", "1024x768x24", "-fbdir",
                  dir, "-nolisten", "tcp", (char *)NULL);
            _exit(127);
        }
        for (int i = 0; i < 100 && access(sock, F_OK) != 0; i++)
            usleep(50000);
        if (access(sock, F_OK) != 0) {
            kill(xvfb, SIGTERM);
            waitpid(xvfb, NULL, 0);
            xvfb = -1;
            return -1;
        }
        setenv("DISPLAY", disp, 1);
        snprintf(fb_path, sizeof fb_path, "%s/Xvfb_screen0", dir);
        return 0;
    }
    return -1;
}

static int setup(void **s)
{
    (void)s;
    make_frame();
    if (start_xvfb() < 0)
        fprintf(stderr, "SKIP: Xvfb could not be started (install xvfb: scripts/deps.sh)\n");
    return 0;
}

static int teardown(void **s)
{
    (void)s;
    if (xvfb > 0) {
        kill(xvfb, SIGTERM);
        waitpid(xvfb, NULL, 0);
    }
    return test_cleanup_tmpdir(0);
}

static uint32_t be32(const uint8_t *p) { return ntohl(*(const uint32_t *)(const void *)p); }

/* The screen's w x h region at (x, y) from an XWD file of a 24/32-bit TrueColor screen. */
static SDL_Surface *xwd_crop(const char *path, int x, int y, int w, int h)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    static uint8_t buf[8 << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    if (n < 100)
        return NULL;
    uint32_t header = be32(buf), bpp = be32(buf + 44), bpl = be32(buf + 48);
    uint32_t ncolors = be32(buf + 76), sw = be32(buf + 16), sh = be32(buf + 20);
    uint32_t byte_order = be32(buf + 28), rmask = be32(buf + 56), gmask = be32(buf + 60);
    uint32_t bmask = be32(buf + 64);
    size_t data = header + (size_t)ncolors * 12;
    if (bpp != 32 || x < 0 || y < 0 || (uint32_t)(x + w) > sw || (uint32_t)(y + h) > sh ||
        data + (size_t)bpl * sh > n)
        return NULL;
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    for (int j = 0; j < h; j++)
        for (int i = 0; i < w; i++) {
            const uint8_t *p = buf + data + (size_t)(y + j) * bpl + (size_t)(x + i) * 4;
            uint32_t v = byte_order == 0 ? (uint32_t)p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24
                                         : be32(p);
            Uint8 r = (Uint8)((v & rmask) >> __builtin_ctz(rmask));
            Uint8 g = (Uint8)((v & gmask) >> __builtin_ctz(gmask));
            Uint8 b = (Uint8)((v & bmask) >> __builtin_ctz(bmask));
            ((Uint32 *)((Uint8 *)s->pixels + j * s->pitch))[i] = SDL_MapRGB(s->format, r, g, b);
        }
    return s;
}

static void test_real_window_matches_golden(void **s)
{
    (void)s;
    if (xvfb <= 0)
        skip();
    unsetenv("NG_UPDATE_GOLDEN");   /* the goldens come from the software-renderer test only */
    setenv("SDL_VIDEODRIVER", "x11", 1);
    setenv("SDL_RENDER_DRIVER", "software", 1);   /* the golden images' rasteriser */
    overlay *ov = open_overlay(false, 0, 0);
    assert_non_null(ov);
    overlay_view v = base_view();
    /* the window maps asynchronously: a few frames, as the live loop would draw them */
    for (int i = 0; i < 4; i++) {
        SDL_Event ev;
        while (SDL_PollEvent(&ev)) {}
        overlay_draw(ov, &v);
        overlay_present(ov);
        usleep(100000);
    }
    int x, y;
    overlay_window_position(ov, &x, &y);
    SDL_Surface *golden = image_load(GOLDEN_DIR "/overlay_small_confident.png");
    assert_non_null(golden);
    SDL_Surface *shot = xwd_crop(fb_path, x, y, golden->w, golden->h);
    SDL_FreeSurface(golden);
    assert_non_null(shot);
    image_check_golden(shot, "overlay_small_confident");
    SDL_FreeSurface(shot);
    overlay_free(ov);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_window_matches_golden),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
