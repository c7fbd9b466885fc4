#include "overlay/texture_slots.h"

static texture_slot *slot_at(void *entries, size_t size, int i)
{
    return (texture_slot *)((char *)entries + (size_t)i * size);
}

void *texture_slots_find(void *entries, size_t size, int n, unsigned long now,
                         bool (*match)(const void *entry, const void *key), const void *key,
                         bool *found)
{
    texture_slot *victim = slot_at(entries, size, 0);
    for (int i = 0; i < n; i++) {
        texture_slot *e = slot_at(entries, size, i);
        if (!e->tex) {
            if (victim->tex)
                victim = e;
            continue;
        }
        if (match(e, key)) {
            e->used = now;
            *found = true;
            return e;
        }
        if (victim->tex && e->used < victim->used)
            victim = e;
    }
    victim->used = now;
    *found = false;
    return victim;
}

void texture_slots_clear(void *entries, size_t size, int n)
{
    for (int i = 0; i < n; i++) {
        texture_slot *e = slot_at(entries, size, i);
        if (e->tex)
            SDL_DestroyTexture(e->tex);
        e->tex = NULL;
    }
}
