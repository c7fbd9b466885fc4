/* Bright-ridge enhancement from the Hessian of a Gaussian-smoothed image: strength where the
 * image has a thin bright line, and the line's orientation. */
#ifndef NG_RIDGE_H
#define NG_RIDGE_H

typedef struct {
    int w, h;
    float *strength;      /* >= 0; 0 off ridges */
    /* The line's direction theta as (cos 2 theta, sin 2 theta): a line at theta and at
     * theta + pi is the same, and two directions compare by a dot product, without an atan2
     * per pixel. (1, 0) off ridges. */
    float *cos2, *sin2;
    float *tmp, *smooth;  /* work buffers */
} ridge_map;

int ridge_init(ridge_map *r, int w, int h);
void ridge_free(ridge_map *r);
/* Computes the ridge map of img (w x h floats) at Gaussian scale sigma (pixels). Pixels with
 * mask[i] == 0 get no strength. */
void ridge_compute(ridge_map *r, const float *img, const unsigned char *mask, double sigma);
/* The same in two halves, so a caller can add to the smoothed image in between (the Hessian is
 * linear): img blurred into r->smooth, then the ridge map of an image already smoothed. */
void ridge_smooth(ridge_map *r, const float *img, double sigma);
void ridge_hessian(ridge_map *r, const float *smooth, const unsigned char *mask, double sigma);
/* The line direction at pixel i in radians, (-pi/2, pi/2], y down. */
float ridge_orientation(const ridge_map *r, int i);

#endif
