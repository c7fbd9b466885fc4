/* overlay/canvas: the headless screen's rows each start on a cache line at any width, the
 * software renderer draws into every pixel of it and past none, a screen of 2 MB and more is
 * advised for huge pages, and a size it cannot hold is refused with the size named. */
#include "test_util.h"

#include <stdbool.h>

#include "overlay/canvas.h"

static void test_rows_start_on_cache_lines(void **state)
{
    (void)state;
    const int widths[] = { 1, 2, 15, 16, 17, 37, 640, 1281, 2420, 3840 + 1000 };
    for (size_t i = 0; i < sizeof widths / sizeof *widths; i++)
        for (int h = 1; h <= 3; h += 2) {
            int w = widths[i];
            SDL_Surface *s = canvas_new(w, h, SDL_PIXELFORMAT_RGB888);
            assert_non_null(s);
            assert_int_equal(s->w, w);
            assert_int_equal(s->h, h);
            assert_int_equal((uintptr_t)s->pixels % 64, 0);
            assert_int_equal(s->pitch % 64, 0);
            assert_true(s->pitch >= 4 * w && s->pitch < 4 * w + 64);
            for (int b = 0; b < s->pitch * h; b++)   /* black to start with, as SDL's surfaces */
                assert_int_equal(((const Uint8 *)s->pixels)[b], 0);
            canvas_free(s);
        }
}

/* The renderer fills the whole canvas (a width whose rows need padding) and leaves the padding
 * alone; what it reads back is what the rows hold. */
static void test_drawn_into_every_pixel_and_no_padding(void **state)
{
    (void)state;
    enum { W = 37, H = 5 };
    SDL_Surface *s = canvas_new(W, H, SDL_PIXELFORMAT_RGB888);
    assert_non_null(s);
    assert_true(s->pitch > 4 * W);
    memset(s->pixels, 0xA5, (size_t)s->pitch * H);
    SDL_Renderer *r = SDL_CreateSoftwareRenderer(s);
    assert_non_null(r);
    SDL_SetRenderDrawColor(r, 10, 20, 30, 255);
    SDL_RenderClear(r);
    SDL_SetRenderDrawColor(r, 200, 100, 50, 255);
    SDL_RenderFillRect(r, &(SDL_Rect){ W - 3, 1, 3, 2 });
    SDL_RenderPresent(r);
    Uint32 back[W * H];
    assert_int_equal(SDL_RenderReadPixels(r, NULL, SDL_PIXELFORMAT_RGB888, back, W * 4), 0);
    for (int y = 0; y < H; y++) {
        const Uint8 *row = (const Uint8 *)s->pixels + (size_t)y * (size_t)s->pitch;
        for (int x = 0; x < W; x++) {
            Uint32 want = x >= W - 3 && y >= 1 && y < 3 ? 0xC86432u : 0x0A141Eu;
            Uint32 got;
            memcpy(&got, row + 4 * x, 4);
            assert_int_equal(got & 0xFFFFFF, want);
            assert_int_equal(back[y * W + x] & 0xFFFFFF, want);
        }
        for (int b = 4 * W; b < s->pitch; b++)
            assert_int_equal(row[b], 0xA5);
    }
    SDL_DestroyRenderer(r);
    canvas_free(s);
}

/* The VmFlags of the mapping that holds addr in /proc/self/smaps: into flags, false if none. */
static bool vm_flags_of(const void *addr, char *flags, size_t size)
{
    FILE *f = fopen("/proc/self/smaps", "r");
    if (!f)
        return false;
    char line[512];
    bool in = false, found = false;
    while (!found && fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' '))
            in = (uintptr_t)addr >= lo && (uintptr_t)addr < hi;
        else if (in && !strncmp(line, "VmFlags:", 8)) {
            size_t n = strlen(line + 8);
            n = n < size - 1 ? n : size - 1;
            memcpy(flags, line + 8, n);
            flags[n] = '\0';
            found = true;
        }
    }
    fclose(f);
    return found;
}

/* The 1080p screen (10 MB, rewritten every frame) lies on 2 MB pages where the kernel has them:
 * its pixels start on a 2 MB boundary and are advised for huge pages ("hg" in smaps). A screen
 * under 2 MB is not rounded up to one. */
static void test_large_screen_advised_for_huge_pages(void **state)
{
    (void)state;
    if (access("/sys/kernel/mm/transparent_hugepage/enabled", F_OK) != 0) {
        fprintf(stderr, "test_canvas: SKIPPED huge pages: this kernel has no transparent huge "
                        "pages\n");
        skip();
    }
    SDL_Surface *big = canvas_new(2420, 1080, SDL_PIXELFORMAT_RGB888);
    SDL_Surface *small = canvas_new(320, 240, SDL_PIXELFORMAT_RGB888);
    assert_non_null(big);
    assert_non_null(small);
    assert_int_equal((uintptr_t)big->pixels % (2 << 20), 0);
    char flags[512];
    assert_true(vm_flags_of(big->pixels, flags, sizeof flags));
    if (!strstr(flags, " hg"))
        fail_msg("the screen's pixels are not advised for huge pages: VmFlags%s", flags);
    /* its last row too: the advice covers the whole screen */
    const Uint8 *last = (const Uint8 *)big->pixels + (size_t)big->pitch * (size_t)(big->h - 1);
    assert_true(vm_flags_of(last, flags, sizeof flags));
    assert_non_null(strstr(flags, " hg"));
    assert_true(vm_flags_of(small->pixels, flags, sizeof flags));
    assert_null(strstr(flags, " hg"));
    canvas_free(small);
    canvas_free(big);
}

static void test_bad_size_refused_and_named(void **state)
{
    (void)state;
    const int sizes[][2] = { { 0, 10 }, { 10, 0 }, { -4, 10 }, { 1 << 30, 1 } };
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        SDL_ClearError();
        assert_null(canvas_new(sizes[i][0], sizes[i][1], SDL_PIXELFORMAT_RGB888));
        char want[64];
        snprintf(want, sizeof want, "%dx%d", sizes[i][0], sizes[i][1]);
        assert_non_null(strstr(SDL_GetError(), want));
    }
    canvas_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows_start_on_cache_lines),
        cmocka_unit_test(test_drawn_into_every_pixel_and_no_padding),
        cmocka_unit_test(test_large_screen_advised_for_huge_pages),
        cmocka_unit_test(test_bad_size_refused_and_named),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
