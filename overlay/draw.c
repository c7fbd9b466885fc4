#include "overlay/draw.h"

#include <math.h>

/* A thick line as parallel one-pixel lines across its width. */
void draw_line(SDL_Renderer *r, ng_vec2 a, ng_vec2 b, float width)
{
    ng_vec2 n = ng_v2_unit(ng_v2(-(b.y - a.y), b.x - a.x));
    int k = (int)lroundf(width);
    if (k < 1)
        k = 1;
    for (int i = 0; i < k; i++) {
        double o = i - (k - 1) / 2.0;
        SDL_RenderDrawLineF(r, (float)(a.x + n.x * o), (float)(a.y + n.y * o),
                            (float)(b.x + n.x * o), (float)(b.y + n.y * o));
    }
}

void draw_dashed_line(SDL_Renderer *r, ng_vec2 a, ng_vec2 b, float width, float dash, float gap)
{
    double len = ng_v2_dist(a, b);
    if (len <= 0)
        return;
    ng_vec2 d = ng_v2_scale(ng_v2_sub(b, a), 1.0 / len);
    for (double s = 0; s < len; s += dash + gap) {
        double e = s + dash < len ? s + dash : len;
        draw_line(r, ng_v2_add(a, ng_v2_scale(d, s)), ng_v2_add(a, ng_v2_scale(d, e)), width);
    }
}

void draw_circle(SDL_Renderer *r, ng_vec2 c, float radius, float width)
{
    int n = (int)(radius * 6.3f) + 12;
    for (int w = 0; w < (int)lroundf(width); w++) {
        float rr = radius - width / 2 + (float)w + 0.5f;
        for (int i = 0; i < n; i++) {
            double a0 = 2 * M_PI * i / n, a1 = 2 * M_PI * (i + 1) / n;
            SDL_RenderDrawLineF(r, (float)(c.x + rr * cos(a0)), (float)(c.y + rr * sin(a0)),
                                (float)(c.x + rr * cos(a1)), (float)(c.y + rr * sin(a1)));
        }
    }
}

void draw_crosshair(SDL_Renderer *r, ng_vec2 c, float size, float width)
{
    draw_line(r, ng_v2(c.x - size, c.y), ng_v2(c.x + size, c.y), width);
    draw_line(r, ng_v2(c.x, c.y - size), ng_v2(c.x, c.y + size), width);
}
