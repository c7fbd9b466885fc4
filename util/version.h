/* The version written into recordings and reports. */
#ifndef NG_VERSION_H
#define NG_VERSION_H

#define NG_VERSION "0.6.0"

#endif
