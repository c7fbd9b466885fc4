#include "capture/v4l2_list.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/videodev2.h>
#include <stdio.h>
#include <string.h>

#include "capture/v4l2_format.h"

static json_object *intervals(const v4l2_ops *ops, int fd, uint32_t fourcc, uint32_t w, uint32_t h)
{
    json_object *list = json_object_new_array();
    struct v4l2_frmivalenum iv = { .pixel_format = fourcc, .width = w, .height = h };
    for (; iv.index < 64 && v4l2_xioctl(ops, fd, VIDIOC_ENUM_FRAMEINTERVALS, &iv) == 0; iv.index++) {
        if (iv.type != V4L2_FRMIVAL_TYPE_DISCRETE || !iv.discrete.numerator)
            break;
        double fps = (double)iv.discrete.denominator / iv.discrete.numerator;
        json_object_array_add(list, json_object_new_double(((int)(fps * 1000 + 0.5)) / 1000.0));
    }
    return list;
}

static json_object *sizes(const v4l2_ops *ops, int fd, uint32_t fourcc)
{
    json_object *list = json_object_new_array();
    struct v4l2_frmsizeenum fs = { .pixel_format = fourcc };
    for (; fs.index < 64 && v4l2_xioctl(ops, fd, VIDIOC_ENUM_FRAMESIZES, &fs) == 0; fs.index++) {
        json_object *o = json_object_new_object();
        if (fs.type == V4L2_FRMSIZE_TYPE_DISCRETE) {
            json_object_object_add(o, "width", json_object_new_int((int)fs.discrete.width));
            json_object_object_add(o, "height", json_object_new_int((int)fs.discrete.height));
            json_object_object_add(o, "fps", intervals(ops, fd, fourcc, fs.discrete.width, fs.discrete.height));
            json_object_array_add(list, o);
        } else {   /* stepwise or continuous: one range */
            char buf[64];
            snprintf(buf, sizeof buf, "%ux%u", fs.stepwise.min_width, fs.stepwise.min_height);
            json_object_object_add(o, "min", json_object_new_string(buf));
            snprintf(buf, sizeof buf, "%ux%u", fs.stepwise.max_width, fs.stepwise.max_height);
            json_object_object_add(o, "max", json_object_new_string(buf));
            json_object_array_add(list, o);
            break;
        }
    }
    return list;
}

json_object *v4l2_describe(const v4l2_ops *ops, const char *path)
{
    json_object *dev = json_object_new_object();
    json_object_object_add(dev, "path", json_object_new_string(path));
    int fd = ops->open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        json_object_object_add(dev, "error", json_object_new_string(strerror(errno)));
        return dev;
    }
    struct v4l2_capability cap = { 0 };
    if (v4l2_xioctl(ops, fd, VIDIOC_QUERYCAP, &cap) < 0) {
        json_object_object_add(dev, "error", json_object_new_string(strerror(errno)));
        ops->close(fd);
        return dev;
    }
    uint32_t caps = cap.capabilities & V4L2_CAP_DEVICE_CAPS ? cap.device_caps : cap.capabilities;
    bool mplane = !(caps & V4L2_CAP_VIDEO_CAPTURE) && (caps & V4L2_CAP_VIDEO_CAPTURE_MPLANE);
    bool capture = (caps & (V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_VIDEO_CAPTURE_MPLANE)) != 0;
    json_object_object_add(dev, "driver", json_object_new_string((const char *)cap.driver));
    json_object_object_add(dev, "card", json_object_new_string((const char *)cap.card));
    json_object_object_add(dev, "bus", json_object_new_string((const char *)cap.bus_info));
    json_object_object_add(dev, "capture", json_object_new_boolean(capture));
    if (!capture) {
        ops->close(fd);
        return dev;
    }
    json_object_object_add(dev, "multiplanar", json_object_new_boolean(mplane));

    json_object *inputs = json_object_new_array();
    struct v4l2_input in = { 0 };
    for (; in.index < 64 && v4l2_xioctl(ops, fd, VIDIOC_ENUMINPUT, &in) == 0; in.index++) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "index", json_object_new_int((int)in.index));
        json_object_object_add(o, "name", json_object_new_string((const char *)in.name));
        json_object_object_add(o, "dv_timings",
                               json_object_new_boolean((in.capabilities & V4L2_IN_CAP_DV_TIMINGS) != 0));
        json_object_array_add(inputs, o);
    }
    json_object_object_add(dev, "inputs", inputs);

    json_object *formats = json_object_new_array();
    struct v4l2_fmtdesc d = { .type = mplane ? V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE : V4L2_BUF_TYPE_VIDEO_CAPTURE };
    for (; d.index < 128 && v4l2_xioctl(ops, fd, VIDIOC_ENUM_FMT, &d) == 0; d.index++) {
        json_object *o = json_object_new_object();
        char fc[5];
        ng_pixfmt pf;
        json_object_object_add(o, "fourcc", json_object_new_string(v4l2_fourcc_str(d.pixelformat, fc)));
        json_object_object_add(o, "description", json_object_new_string((const char *)d.description));
        json_object_object_add(o, "supported", json_object_new_boolean(v4l2_fourcc_to_pixfmt(d.pixelformat, &pf)));
        json_object_object_add(o, "sizes", sizes(ops, fd, d.pixelformat));
        json_object_array_add(formats, o);
    }
    json_object_object_add(dev, "formats", formats);
    ops->close(fd);
    return dev;
}
