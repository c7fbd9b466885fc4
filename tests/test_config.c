/* Config: every error path names file:line, the key and what was expected. */
#include "test_util.h"

#include "config/config.h"

static char path[256];

static int load_text(const char *text, ng_config *cfg, ng_errbuf *err)
{
    snprintf(path, sizeof path, "%s/c.conf", test_tmpdir());
    test_write_file(path, text);
    config_defaults(cfg);
    memset(err, 0, sizeof *err);
    return config_load(path, cfg, err);
}

/* The message for a one-error file contains file:line and each of the fragments. */
static void expect_error(const char *text, int line, const char *frag1, const char *frag2)
{
    ng_config cfg;
    ng_errbuf err;
    assert_int_equal(load_text(text, &cfg, &err), -1);
    char where[300];
    snprintf(where, sizeof where, "%s:%d: ", path, line);
    if (!strstr(err.text, where) || (frag1 && !strstr(err.text, frag1)) ||
        (frag2 && !strstr(err.text, frag2))) {
        fprintf(stderr, "unexpected message:\n%swanted %s + '%s' + '%s'\n", err.text, where,
                frag1 ? frag1 : "", frag2 ? frag2 : "");
        fail();
    }
}

static void test_good_file(void **s)
{
    (void)s;
    ng_config cfg;
    ng_errbuf err;
    int rc = load_text("# comment\n[capture]\nsource = file:/tmp/x.y4m\nfps = 25\n"
                       "[image]\nroi = 10,20,600,400\nmm_per_px = 0.2 ; inline comment\n"
                       "[plan]\nentry = 5,5\nl4_target = 300,300\nl5_target = 280.5,310\n"
                       "tolerance_mm = 1.5\n[display]\nfullscreen = yes\nheadless = no\n",
                       &cfg, &err);
    assert_int_equal(rc, 0);
    assert_string_equal(cfg.source, "file:/tmp/x.y4m");
    assert_true(cfg.fps == 25);
    assert_int_equal(cfg.roi.x, 10);
    assert_int_equal(cfg.roi.h, 400);
    assert_true(cfg.mm_per_px == 0.2);
    assert_true(cfg.plan.l5_target.x == 280.5);
    assert_true(cfg.plan.tolerance_mm == 1.5);
    assert_true(cfg.fullscreen);
    assert_int_equal(cfg.headless, NG_HEADLESS_NO);
}

static void test_defaults_are_valid_and_round_trip(void **s)
{
    (void)s;
    ng_config a, b;
    ng_errbuf err = { 0 };
    config_defaults(&a);
    assert_int_equal(config_validate(&a, "defaults", &err), 0);
    char p[256];
    snprintf(p, sizeof p, "%s/rt.conf", test_tmpdir());
    assert_int_equal(config_write(&a, p), 0);
    config_defaults(&b);
    b.fps = 99;
    assert_int_equal(config_load(p, &b, &err), 0);
    assert_string_equal(a.source, b.source);
    assert_true(b.fps == a.fps);
    assert_memory_equal(&a.roi, &b.roi, sizeof a.roi);
    /* exactly: a recording's replay must anchor its targets as the live run did */
    assert_true(a.plan.l4_target.x == b.plan.l4_target.x && a.plan.entry.y == b.plan.entry.y);
    assert_true(a.mm_per_px == b.mm_per_px);
    /* the same through text, as a recording keeps it, with its masks */
    a.record.masks[a.record.nmasks++] = (ng_rect){ 0, 0, 640, 34 };
    a.record.masks[a.record.nmasks++] = (ng_rect){ 600, 40, 40, 400 };
    snprintf(a.record.dir, sizeof a.record.dir, "/var/lib/needleguide/sessions");
    char *text = config_text(&a);
    assert_non_null(text);
    config_defaults(&b);
    assert_int_equal(config_load_text(text, "session.json: config", &b, &err), 0);
    free(text);
    assert_int_equal(b.record.nmasks, 2);
    assert_memory_equal(b.record.masks, a.record.masks, 2 * sizeof a.record.masks[0]);
    assert_string_equal(b.record.dir, a.record.dir);
    assert_true(a.plan.l5_target.y == b.plan.l5_target.y);
}

/* [record] mask may be given again, each adding a region (up to 16), and remembers its line. */
static void test_record_masks(void **s)
{
    (void)s;
    char p[256], text[2048] = "[record]\ndir = /tmp/x\n";
    snprintf(p, sizeof p, "%s/masks.conf", test_tmpdir());
    for (int i = 0; i < 16; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text), "mask = %d,0,10,10\n", i * 10);
    test_write_file(p, text);
    ng_config c;
    ng_errbuf err = { 0 };
    config_defaults(&c);
    assert_int_equal(config_load(p, &c, &err), 0);
    assert_int_equal(c.record.nmasks, 16);
    assert_int_equal(c.record.masks[15].x, 150);
    assert_int_equal(c.record.mask_line[0], 3);
    assert_int_equal(c.record.mask_line[15], 18);
    strcat(text, "mask = 0,0,5,5\n");
    test_write_file(p, text);
    config_defaults(&c);
    assert_int_equal(config_load(p, &c, &err), -1);
    assert_non_null(strstr(err.text, ":19: [record] mask: at most 16 masks"));
    memset(&err, 0, sizeof err);
    test_write_file(p, "[record]\nmask = 1,2,3\nstart = maybe\n");
    config_defaults(&c);
    assert_int_equal(config_load(p, &c, &err), -1);
    assert_non_null(strstr(err.text, ":2: [record] mask: expected X,Y,W,H"));
    assert_non_null(strstr(err.text, ":3: [record] start: expected yes or no"));
}

/* Saving a plan back: the new file loads with the new plan, the old one is kept as FILE~, and a
 * file that cannot be written leaves the old one untouched. */
static void test_save_keeps_the_old_file(void **s)
{
    (void)s;
    ng_config a, b;
    ng_errbuf err = { 0 };
    config_defaults(&a);
    char p[256], bak[300];
    snprintf(p, sizeof p, "%s/save.conf", test_tmpdir());
    snprintf(bak, sizeof bak, "%s~", p);
    assert_int_equal(config_save(&a, p, &err), 0);
    assert_int_equal(access(bak, F_OK), -1);   /* nothing was there before */
    a.plan.l4_target = ng_v2(321.5, 222.25);
    assert_int_equal(config_save(&a, p, &err), 0);
    config_defaults(&b);
    assert_int_equal(config_load(p, &b, &err), 0);
    assert_true(fabs(b.plan.l4_target.x - 321.5) < 1e-6 && fabs(b.plan.l4_target.y - 222.25) < 1e-6);
    config_defaults(&b);
    assert_int_equal(config_load(bak, &b, &err), 0);
    ng_config d;
    config_defaults(&d);
    assert_true(fabs(b.plan.l4_target.x - d.plan.l4_target.x) < 1e-3);

    char dir[256];
    snprintf(dir, sizeof dir, "%s/nodir/x.conf", test_tmpdir());
    assert_int_equal(config_save(&a, dir, &err), -1);
    assert_non_null(strstr(err.text, "nodir/x.conf"));
}

static void test_unknown_section_and_key(void **s)
{
    (void)s;
    expect_error("[capture]\nfps = 30\n[cameras]\nx = 1\n", 4, "unknown section [cameras]", NULL);
    expect_error("[capture]\nfsp = 30\n", 2, "[capture] unknown key 'fsp'", NULL);
    expect_error("source = sim:1\n", 1, "unknown section []", NULL);
}

static void test_bad_values(void **s)
{
    (void)s;
    expect_error("[capture]\nsource = camera0\n", 2, "source", "expected sim:SEED, file:PATH");
    expect_error("[capture]\nsource = sim:abc\n", 2, "source", "got 'sim:abc'");
    expect_error("[capture]\nsource = v4l2:video0\n", 2, "source", "/dev");
    expect_error("[capture]\nsource = file:\n", 2, "source", NULL);
    expect_error("[capture]\nfps = 0\n", 2, "[capture] fps", "between 1 and 240");
    expect_error("[capture]\nfps = 30fps\n", 2, "fps", "got '30fps'");
    expect_error("[image]\nroi = 1,2,3\n", 2, "[image] roi", "X,Y,W,H");
    expect_error("[image]\nroi = 0,0,10,400\n", 2, "roi", "W,H >= 16");
    expect_error("[image]\nroi = 0,0,100.5,400\n", 2, "roi", "whole pixels");
    expect_error("[image]\nmm_per_px = -1\n", 2, "mm_per_px", "between 0.01 and 2");
    expect_error("[image]\nmm_per_px = nan\n", 2, "mm_per_px", NULL);
    expect_error("[plan]\nentry = 5\n", 2, "[plan] entry", "expected X,Y");
    expect_error("[plan]\nl4_target = a,b\n", 2, "l4_target", "X,Y");
    expect_error("[plan]\nl5_target = 1,2,3\n", 2, "l5_target", "X,Y");
    expect_error("[plan]\ntolerance_mm = 0\n", 2, "tolerance_mm", "between 0.1 and 20");
    expect_error("[display]\nfullscreen = maybe\n", 2, "fullscreen", "yes or no");
    expect_error("[display]\nheadless = sometimes\n", 2, "headless", "auto, yes or no");
}

static void test_syntax_duplicates_and_long_lines(void **s)
{
    (void)s;
    expect_error("[capture]\nfps = 30\nthis is not ini\n", 3, "syntax error", NULL);
    expect_error("[capture\nfps = 30\n", 1, "syntax error", NULL);
    expect_error("[capture]\nfps = 30\n\nfps = 25\n", 4, "fps given twice", "first at line 2");
    char text[600];
    snprintf(text, sizeof text, "[capture]\nsource = file:/%0400d\nfps = 30\n", 0);
    expect_error(text, 2, "line longer than", NULL);
    /* After a long line, numbering still matches the file. */
    snprintf(text, sizeof text, "[capture]\n# %0300d\nfps = 0\n", 0);
    ng_config cfg;
    ng_errbuf err;
    load_text(text, &cfg, &err);
    char where[300];
    snprintf(where, sizeof where, "%s:3: [capture] fps", path);
    assert_non_null(strstr(err.text, where));
}

static void test_cross_checks(void **s)
{
    (void)s;
    expect_error("[image]\nroi = 100,100,200,200\n[plan]\nl4_target = 50,50\nl5_target = 150,150\n",
                 4, "l4_target", "outside [image] roi");
}

static void test_missing_file(void **s)
{
    (void)s;
    ng_config cfg;
    ng_errbuf err = { 0 };
    config_defaults(&cfg);
    assert_int_equal(config_load("/nonexistent/x.conf", &cfg, &err), -1);
    assert_non_null(strstr(err.text, "/nonexistent/x.conf: cannot open"));
}

static void test_all_errors_reported(void **s)
{
    (void)s;
    ng_config cfg;
    ng_errbuf err;
    assert_int_equal(load_text("[capture]\nfps = 0\n[image]\nmm_per_px = 9\n", &cfg, &err), -1);
    assert_int_equal(err.count, 2);
}

static void test_command_line_override(void **s)
{
    (void)s;
    ng_config cfg;
    ng_errbuf err = { 0 };
    config_defaults(&cfg);
    assert_int_equal(config_set(&cfg, "command line: --source", 0, "capture", "source", "sim:7", &err), 0);
    assert_string_equal(cfg.source, "sim:7");
    assert_int_equal(config_set(&cfg, "command line: --source", 0, "capture", "source", "bogus", &err), -1);
    assert_non_null(strstr(err.text, "command line: --source: [capture] source"));
    assert_string_equal(cfg.source, "sim:7");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_file),
        cmocka_unit_test(test_defaults_are_valid_and_round_trip),
        cmocka_unit_test(test_record_masks),
        cmocka_unit_test(test_save_keeps_the_old_file),
        cmocka_unit_test(test_unknown_section_and_key),
        cmocka_unit_test(test_bad_values),
        cmocka_unit_test(test_syntax_duplicates_and_long_lines),
        cmocka_unit_test(test_cross_checks),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_all_errors_reported),
        cmocka_unit_test(test_command_line_override),
    };
    return test_cleanup_tmpdir(cmocka_run_group_tests(tests, NULL, NULL));
}
