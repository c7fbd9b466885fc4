/* The still-picture detector: a frozen scanner re-sending one image is told from live video,
 * however little of the live image changes. */
#include "test_util.h"

#include "capture/still.h"

#define W 200
#define H 150

static uint8_t img[W * H];

static void noise(unsigned seed, int amplitude)
{
    srand(seed);
    for (int i = 0; i < W * H; i++)
        img[i] = (uint8_t)(100 + rand() % (2 * amplitude + 1) - amplitude);
}

static void test_identical_frames_are_still(void **s)
{
    (void)s;
    still_detector d;
    still_init(&d, (ng_rect){ 20, 10, 160, 120 });
    noise(1, 30);
    assert_true(still_update(&d, img, W, W, H, 0) == 0);   /* the first frame: changed */
    assert_true(fabs(still_update(&d, img, W, W, H, 33) - 33) < 1e-9);
    assert_true(fabs(still_update(&d, img, W, W, H, 250) - 250) < 1e-9);
    /* a lossy re-encoding of the same picture: a grey level here and there */
    for (int i = 0; i < W * H; i += 7)
        img[i] ^= 1;
    assert_true(fabs(still_update(&d, img, W, W, H, 300) - 300) < 1e-9);
    /* live again: new speckle */
    noise(2, 30);
    assert_true(still_update(&d, img, W, W, H, 333) == 0);
    assert_true(still_update(&d, img, W, W, H, 366) > 0);
}

/* Faint live change over the whole picture (electronic noise of ±2 grey levels) is live. */
static void test_faint_live_change_is_not_still(void **s)
{
    (void)s;
    still_detector d;
    still_init(&d, (ng_rect){ 0, 0, W, H });
    for (int k = 0; k < 10; k++) {
        noise(10 + (unsigned)k, 2);
        assert_true(still_update(&d, img, W, W, H, k * 33.0) == 0);
    }
}

/* Only what is inside the ROI counts: a clock ticking in the screen text outside does not make
 * a frozen image live. */
static void test_only_the_roi_counts(void **s)
{
    (void)s;
    still_detector d;
    still_init(&d, (ng_rect){ 50, 40, 100, 80 });
    noise(3, 30);
    still_update(&d, img, W, W, H, 0);
    for (int x = 0; x < W; x++)
        img[x] = (uint8_t)(img[x] + 50);   /* row 0, outside the ROI */
    assert_true(still_update(&d, img, W, W, H, 40) == 40);
    /* a ROI that does not fit this frame: the whole frame is watched */
    still_init(&d, (ng_rect){ 150, 100, 100, 100 });
    still_update(&d, img, W, W, H, 0);
    img[W * 75 + 100] = 0;
    for (int i = 0; i < W * H; i += 3)
        img[i] = (uint8_t)(img[i] + 40);
    assert_true(still_update(&d, img, W, W, H, 40) == 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_identical_frames_are_still),
        cmocka_unit_test(test_faint_live_change_is_not_still),
        cmocka_unit_test(test_only_the_roi_counts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
