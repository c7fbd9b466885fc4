#include "util/geom.h"

#include <math.h>

double ng_v2_len(ng_vec2 a) { return hypot(a.x, a.y); }

double ng_v2_dist(ng_vec2 a, ng_vec2 b) { return hypot(a.x - b.x, a.y - b.y); }

ng_vec2 ng_v2_unit(ng_vec2 a)
{
    double l = ng_v2_len(a);
    return l > 0 ? ng_v2_scale(a, 1.0 / l) : a;
}

double ng_angle_deg(ng_vec2 from, ng_vec2 to)
{
    return atan2(to.y - from.y, to.x - from.x) * 180.0 / M_PI;
}

double ng_line_angle_diff_deg(double a_deg, double b_deg)
{
    double d = fmod(fabs(a_deg - b_deg), 180.0);
    return d > 90.0 ? 180.0 - d : d;
}

double ng_project_t(ng_vec2 p, ng_vec2 a, ng_vec2 b)
{
    ng_vec2 ab = ng_v2_sub(b, a);
    double l2 = ng_v2_dot(ab, ab);
    return l2 > 0 ? ng_v2_dot(ng_v2_sub(p, a), ab) / l2 : 0.0;
}

double ng_dist_point_segment(ng_vec2 p, ng_vec2 a, ng_vec2 b)
{
    double t = ng_project_t(p, a, b);
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    return ng_v2_dist(p, ng_v2_lerp(a, b, t));
}

double ng_dist_point_line_signed(ng_vec2 p, ng_vec2 a, ng_vec2 b)
{
    ng_vec2 ab = ng_v2_sub(b, a);
    double l = ng_v2_len(ab);
    if (l == 0)
        return ng_v2_dist(p, a);
    return ng_v2_cross(ab, ng_v2_sub(p, a)) / l;
}

bool ng_ray_segment(ng_vec2 o, ng_vec2 d, ng_vec2 a, ng_vec2 b, double *t)
{
    ng_vec2 e = ng_v2_sub(b, a);
    double den = ng_v2_cross(d, e);
    if (fabs(den) < 1e-12)
        return false;
    ng_vec2 ao = ng_v2_sub(a, o);
    double tr = ng_v2_cross(ao, e) / den;
    double ts = ng_v2_cross(ao, d) / den;
    if (tr < 0 || ts < 0 || ts > 1)
        return false;
    *t = tr;
    return true;
}

bool ng_rect_contains(ng_rect r, ng_vec2 p)
{
    return p.x >= r.x && p.y >= r.y && p.x <= r.x + r.w - 1 && p.y <= r.y + r.h - 1;
}
