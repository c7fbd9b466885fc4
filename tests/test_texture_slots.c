/* overlay/texture_slots: a key held is found and stamped; a key not held takes a free slot
 * first, then the least recently used, whose texture is left to the caller (to draw into or
 * destroy), or with alike given the least recently used alike one idle long enough;
 * clearing frees them all.
 * Real SDL textures on the software renderer. */
#include "test_util.h"

#include "overlay/texture_slots.h"

enum { N = 3 };

typedef struct {
    texture_slot slot;
    int key;
} entry;

static bool same_key(const void *e, const void *key)
{
    return ((const entry *)e)->key == *(const int *)key;
}

static SDL_Surface *surf;
static SDL_Renderer *ren;

static int setup(void **state)
{
    (void)state;
    surf = SDL_CreateRGBSurfaceWithFormat(0, 8, 8, 32, SDL_PIXELFORMAT_ARGB8888);
    ren = surf ? SDL_CreateSoftwareRenderer(surf) : NULL;
    return ren ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    SDL_DestroyRenderer(ren);
    SDL_FreeSurface(surf);
    return 0;
}

/* Finds key at time now, filling a slot not found with a new texture; returns the entry, and
 * in *left the texture such a slot held (destroyed since). */
static entry *use(entry *e, int key, unsigned long now, bool *found, SDL_Texture **left)
{
    entry *got = texture_slots_find(e, sizeof *e, N, now, same_key, &key, found);
    assert_non_null(got);
    assert_true(got->slot.used == now);
    *left = NULL;
    if (!*found) {
        *left = got->slot.tex;
        if (got->slot.tex)
            SDL_DestroyTexture(got->slot.tex);
        got->slot.tex = SDL_CreateTexture(ren, SDL_PIXELFORMAT_ARGB8888,
                                          SDL_TEXTUREACCESS_STATIC, 4, 4);
        assert_non_null(got->slot.tex);
        got->key = key;
    }
    return got;
}

static void test_found_free_then_least_recent(void **state)
{
    (void)state;
    entry e[N] = { 0 };
    bool found;
    SDL_Texture *left;
    entry *a = use(e, 10, 1, &found, &left);
    assert_false(found);
    assert_null(left);
    entry *b = use(e, 20, 2, &found, &left);
    assert_false(found);
    assert_null(left);
    assert_ptr_not_equal(a, b);   /* a free slot, not the one in use */
    SDL_Texture *b_tex = b->slot.tex;
    entry *c = use(e, 30, 3, &found, &left);
    assert_false(found);
    assert_null(left);
    assert_ptr_equal(use(e, 10, 4, &found, &left), a);   /* held: found, the most recent now */
    assert_true(found);
    /* full: 20 is the least recently used and makes room, its texture left to the caller */
    entry *d = use(e, 40, 5, &found, &left);
    assert_false(found);
    assert_ptr_equal(d, b);
    assert_ptr_equal(left, b_tex);
    assert_int_equal(b->key, 40);
    use(e, 20, 6, &found, &left);   /* gone: not found, takes 30's slot now */
    assert_false(found);
    assert_non_null(left);
    assert_int_equal(c->key, 20);
    texture_slots_clear(e, sizeof *e, N);
    for (int i = 0; i < N; i++)
        assert_null(e[i].slot.tex);
}

static bool same_parity(const void *e, const void *like)
{
    return ((const entry *)e)->key % 2 == *(const int *)like % 2;
}

/* With alike given, a full set's victim is the least recently used of the alike ones idle for
 * min_age, else the least recently used; a free slot still comes first. */
static void test_victim_alike_and_idle(void **state)
{
    (void)state;
    entry e[N] = { 0 };
    SDL_Texture *left;
    bool found;
    use(e, 1, 1, &found, &left);
    entry *two = use(e, 2, 2, &found, &left);
    entry *four = use(e, 4, 3, &found, &left);
    int six = 6, seven = 7;
    /* at 12: 2 and 4 are alike (even) and idle for 10 or more: 2, used longer ago, not 1 */
    entry *v = texture_slots_victim(e, sizeof *e, N, 12, 10, same_parity, &six);
    assert_ptr_equal(v, two);
    assert_true(v->slot.used == 12);
    assert_non_null(v->slot.tex);   /* left to the caller */
    /* at 14: 4 is alike but idle 11 < 12: the least recently used, 1 */
    v = texture_slots_victim(e, sizeof *e, N, 14, 12, same_parity, &six);
    assert_int_equal(v->key, 1);
    /* the odd one was used a moment ago: the least recently used, 4 */
    v = texture_slots_victim(e, sizeof *e, N, 15, 5, same_parity, &seven);
    assert_ptr_equal(v, four);
    /* a free slot before any alike */
    SDL_DestroyTexture(two->slot.tex);
    two->slot.tex = NULL;
    assert_ptr_equal(texture_slots_victim(e, sizeof *e, N, 30, 0, same_parity, &six), two);
    texture_slots_clear(e, sizeof *e, N);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_found_free_then_least_recent),
        cmocka_unit_test(test_victim_alike_and_idle),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
