/* The slots of a cache of textures (texts, marks): a key found is used again, a key not found
 * takes a free slot, an idle one whose texture will do, or the least recently used one. */
#ifndef NG_TEXTURE_SLOTS_H
#define NG_TEXTURE_SLOTS_H

#include <SDL.h>
#include <stdbool.h>
#include <stddef.h>

/* The head of every entry of such a cache. */
typedef struct {
    SDL_Texture *tex;     /* NULL: a free slot */
    unsigned long used;   /* when last found or filled */
} texture_slot;

/* Among n entries of size bytes each (each beginning with a texture_slot), the one match says
 * holds key, stamped with now; NULL if none does. */
void *texture_slots_lookup(void *entries, size_t size, int n, unsigned long now,
                           bool (*match)(const void *entry, const void *key), const void *key);
/* The entry for a key not held, stamped with now: a free one; else (when alike is given) the
 * least recently used of those alike says are like like (their texture will do for it) and
 * that were not used for min_age; else the least recently used. Its texture (if any) is left
 * there for the caller to draw the new key into or destroy. */
void *texture_slots_victim(void *entries, size_t size, int n, unsigned long now,
                           unsigned long min_age,
                           bool (*alike)(const void *entry, const void *like), const void *like);
/* texture_slots_lookup (*found true), else texture_slots_victim with no alike (*found false). */
void *texture_slots_find(void *entries, size_t size, int n, unsigned long now,
                         bool (*match)(const void *entry, const void *key), const void *key,
                         bool *found);
/* Destroys every slot's texture. */
void texture_slots_clear(void *entries, size_t size, int n);
/* For the caches' match functions: the same colour, alpha included. */
static inline bool texture_slots_same_colour(SDL_Color a, SDL_Color b)
{
    return a.r == b.r && a.g == b.g && a.b == b.b && a.a == b.a;
}

#endif
