#include "overlay/panel_lines.h"

#include <string.h>

#include "overlay/texture_slots.h"

void panel_lines_forget(panel_lines *p)
{
    p->area = (SDL_Rect){ 0, 0, 0, 0 };
    p->n_shown = 0;
}

void panel_lines_begin(panel_lines *p)
{
    p->n_now = 0;
    p->overflow = false;
}

void panel_lines_add(panel_lines *p, int font, SDL_Color colour, int wrap, SDL_Rect rect,
                     const char *s)
{
    if (p->n_now == PANEL_LINES_MAX || strlen(s) >= PANEL_LINE_TEXT) {
        p->overflow = true;   /* not kept: the screen is drawn whole */
        return;
    }
    panel_item *l = &p->now[p->n_now++];
    l->font = font;
    l->colour = colour;
    l->wrap = wrap;
    l->rect = rect;
    strcpy(l->s, s);
}

static bool same_line(const panel_item *a, const panel_item *b)
{
    return a->font == b->font && a->wrap == b->wrap &&
           texture_slots_same_colour(a->colour, b->colour) && a->rect.x == b->rect.x &&
           a->rect.y == b->rect.y && a->rect.w == b->rect.w && a->rect.h == b->rect.h &&
           !strcmp(a->s, b->s);
}

/* Rows y0 .. y1 - 1 into the sorted, apart bands (n of them, room for max). */
static int add_rows(SDL_Rect *bands, int n, int max, SDL_Rect area, int y0, int y1)
{
    y0 = y0 < area.y ? area.y : y0;
    y1 = y1 > area.y + area.h ? area.y + area.h : y1;
    if (y1 <= y0)
        return n;
    int i = 0;
    while (i < n && bands[i].y + bands[i].h < y0)   /* the bands wholly above */
        i++;
    int j = i;   /* bands[i .. j - 1] touch or overlap the rows: merged with them */
    while (j < n && bands[j].y <= y1) {
        y0 = bands[j].y < y0 ? bands[j].y : y0;
        y1 = bands[j].y + bands[j].h > y1 ? bands[j].y + bands[j].h : y1;
        j++;
    }
    if (i == j && n == max)   /* no room: the last band grows to take them */
        return add_rows(bands, n - 1, max, area, bands[n - 1].y < y0 ? bands[n - 1].y : y0,
                        y1 > bands[n - 1].y + bands[n - 1].h ? y1 : bands[n - 1].y + bands[n - 1].h);
    memmove(&bands[i + 1], &bands[j], (size_t)(n - j) * sizeof *bands);
    bands[i] = (SDL_Rect){ area.x, y0, area.w, y1 - y0 };
    return n - (j - i) + 1;
}

int panel_lines_damage(panel_lines *p, SDL_Rect area, bool keep, SDL_Rect *bands, int max)
{
    int n = 0;
    bool whole = !keep || p->overflow || area.x != p->area.x || area.y != p->area.y ||
                 area.w != p->area.w || area.h != p->area.h;
    if (whole && max > 0) {
        bands[0] = area;
        n = 1;
    } else {
        int lines = p->n_now > p->n_shown ? p->n_now : p->n_shown;
        for (int i = 0; i < lines && max > 0; i++) {
            bool was = i < p->n_shown, is = i < p->n_now;
            if (was && is && same_line(&p->now[i], &p->shown[i]))
                continue;
            /* its rows then and now: what it covered is cleared, what it covers drawn */
            if (was)
                n = add_rows(bands, n, max, area, p->shown[i].rect.y,
                             p->shown[i].rect.y + p->shown[i].rect.h);
            if (is)
                n = add_rows(bands, n, max, area, p->now[i].rect.y,
                             p->now[i].rect.y + p->now[i].rect.h);
        }
    }
    memcpy(p->shown, p->now, (size_t)p->n_now * sizeof *p->now);
    p->n_shown = p->n_now;
    p->area = keep && !p->overflow ? area : (SDL_Rect){ 0, 0, 0, 0 };
    return n;
}

bool panel_lines_in_band(const panel_lines *p, int i, SDL_Rect band)
{
    const SDL_Rect *r = &p->now[i].rect;
    return r->y < band.y + band.h && r->y + r->h > band.y;
}
