#include "overlay/texture_slots.h"

static texture_slot *slot_at(void *entries, size_t size, int i)
{
    return (texture_slot *)((char *)entries + (size_t)i * size);
}

void *texture_slots_lookup(void *entries, size_t size, int n, unsigned long now,
                           bool (*match)(const void *entry, const void *key), const void *key)
{
    for (int i = 0; i < n; i++) {
        texture_slot *e = slot_at(entries, size, i);
        if (e->tex && match(e, key)) {
            e->used = now;
            return e;
        }
    }
    return NULL;
}

void *texture_slots_victim(void *entries, size_t size, int n, unsigned long now,
                           unsigned long min_age,
                           bool (*alike)(const void *entry, const void *like), const void *like)
{
    texture_slot *free_one = NULL, *idle_alike = NULL, *lru = NULL;
    for (int i = 0; i < n; i++) {
        texture_slot *e = slot_at(entries, size, i);
        if (!e->tex) {
            if (!free_one)
                free_one = e;
            continue;
        }
        if (alike && now - e->used >= min_age && alike(e, like) &&
            (!idle_alike || e->used < idle_alike->used))
            idle_alike = e;
        if (!lru || e->used < lru->used)
            lru = e;
    }
    texture_slot *victim = free_one ? free_one : idle_alike ? idle_alike : lru;
    victim->used = now;
    return victim;
}

void *texture_slots_find(void *entries, size_t size, int n, unsigned long now,
                         bool (*match)(const void *entry, const void *key), const void *key,
                         bool *found)
{
    void *e = texture_slots_lookup(entries, size, n, now, match, key);
    *found = e != NULL;
    return e ? e : texture_slots_victim(entries, size, n, now, 0, NULL, NULL);
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
