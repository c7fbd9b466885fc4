/* Plane geometry on captured-frame pixel coordinates (x right, y down). */
#ifndef NG_GEOM_H
#define NG_GEOM_H

#include <stdbool.h>

typedef struct { double x, y; } ng_vec2;
typedef struct { int x, y, w, h; } ng_rect;

static inline ng_vec2 ng_v2(double x, double y) { return (ng_vec2){ x, y }; }
static inline ng_vec2 ng_v2_add(ng_vec2 a, ng_vec2 b) { return ng_v2(a.x + b.x, a.y + b.y); }
static inline ng_vec2 ng_v2_sub(ng_vec2 a, ng_vec2 b) { return ng_v2(a.x - b.x, a.y - b.y); }
static inline ng_vec2 ng_v2_scale(ng_vec2 a, double s) { return ng_v2(a.x * s, a.y * s); }
static inline double ng_v2_dot(ng_vec2 a, ng_vec2 b) { return a.x * b.x + a.y * b.y; }
static inline double ng_v2_cross(ng_vec2 a, ng_vec2 b) { return a.x * b.y - a.y * b.x; }
static inline ng_vec2 ng_v2_lerp(ng_vec2 a, ng_vec2 b, double t)
{
    return ng_v2(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t);
}

double ng_v2_len(ng_vec2 a);
double ng_v2_dist(ng_vec2 a, ng_vec2 b);
/* Unit vector of a; the zero vector stays zero. */
ng_vec2 ng_v2_unit(ng_vec2 a);
/* Angle of the direction from a to b in degrees, atan2 with y down: 0 = right, +90 = down. */
double ng_angle_deg(ng_vec2 from, ng_vec2 to);
/* Smallest absolute difference between two line directions in degrees (0..90). */
double ng_line_angle_diff_deg(double a_deg, double b_deg);
/* Distance from p to the segment a-b. */
double ng_dist_point_segment(ng_vec2 p, ng_vec2 a, ng_vec2 b);
/* Signed perpendicular distance from p to the infinite line through a and b
 * (positive on the left of a->b in y-down coordinates). Zero-length line: distance to a. */
double ng_dist_point_line_signed(ng_vec2 p, ng_vec2 a, ng_vec2 b);
/* Parameter t of the projection of p on a->b (0 at a, 1 at b). */
double ng_project_t(ng_vec2 p, ng_vec2 a, ng_vec2 b);
/* Intersection of ray o + t*d (t >= 0) with segment a-b; writes t and returns true on a hit. */
bool ng_ray_segment(ng_vec2 o, ng_vec2 d, ng_vec2 a, ng_vec2 b, double *t);
bool ng_rect_contains(ng_rect r, ng_vec2 p);

#endif
