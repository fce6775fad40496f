// The libpq client API (Debian package libpq-dev). Included by path so no pkg-config cflags are needed:
// /usr/include/postgresql is not on the default include path, /usr/include is.
#ifndef KILN_CLIBPQ_SHIM_H
#define KILN_CLIBPQ_SHIM_H
#include <postgresql/libpq-fe.h>
#include <poll.h>
#endif
