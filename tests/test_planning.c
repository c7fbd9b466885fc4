/* Planning mode: the clicks it takes before and after the rotation, accept, cancel. */
#include "test_util.h"

#include "guidance/planning.h"

static const ng_plan CONFIGURED = { .entry = { 10, 10 }, .l4_target = { 200, 200 },
                                    .l5_target = { 180, 220 }, .tolerance_mm = 2 };

static void test_entry_then_l4(void **s)
{
    (void)s;
    planning pl;
    planning_start(&pl, &CONFIGURED, PHASE_IDLE);
    assert_non_null(strstr(planning_prompt(&pl), "skin entry"));
    assert_int_equal(planning_accept(&pl), PLANNING_MORE);   /* nothing to accept yet */
    assert_int_equal(planning_click(&pl, ng_v2(30, 12)), PLANNING_MORE);
    assert_non_null(strstr(planning_prompt(&pl), "L4 target"));
    assert_int_equal(planning_click(&pl, ng_v2(250, 190)), PLANNING_NEW_PLAN);
    assert_null(planning_prompt(&pl));
    assert_true(pl.plan.entry.x == 30 && pl.plan.entry.y == 12);
    assert_true(pl.plan.l4_target.x == 250 && pl.plan.l4_target.y == 190);
    /* the L5 target and the tolerance stay as configured */
    assert_true(pl.plan.l5_target.x == 180 && pl.plan.l5_target.y == 220);
    assert_true(pl.plan.tolerance_mm == 2);
    /* a click after the plan is complete changes nothing */
    assert_int_equal(planning_click(&pl, ng_v2(1, 1)), PLANNING_MORE);
    assert_true(pl.plan.entry.x == 30);
}

static void test_after_rotation_l5_only(void **s)
{
    (void)s;
    for (ng_phase ph = PHASE_REPOSITION; ph <= PHASE_L5_AT_TARGET; ph++) {
        planning pl;
        planning_start(&pl, &CONFIGURED, ph);
        assert_non_null(strstr(planning_prompt(&pl), "L5 target"));
        assert_int_equal(planning_click(&pl, ng_v2(170, 230)), PLANNING_L5_SET);
        assert_true(pl.plan.l5_target.x == 170 && pl.plan.entry.x == 10);
        planning_start(&pl, &CONFIGURED, ph);
        assert_int_equal(planning_accept(&pl), PLANNING_L5_ACCEPTED);
        assert_true(pl.plan.l5_target.x == 180);
    }
    /* done: a new procedure starts with the entry */
    planning pl;
    planning_start(&pl, &CONFIGURED, PHASE_DONE);
    assert_int_equal(pl.step, PLANNING_ENTRY);
}

static void test_cancel(void **s)
{
    (void)s;
    planning pl;
    planning_start(&pl, &CONFIGURED, PHASE_L4_APPROACH);
    planning_click(&pl, ng_v2(5, 5));
    planning_cancel(&pl);
    assert_null(planning_prompt(&pl));
    assert_int_equal(planning_click(&pl, ng_v2(6, 6)), PLANNING_MORE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_entry_then_l4),
        cmocka_unit_test(test_after_rotation_l5_only),
        cmocka_unit_test(test_cancel),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
