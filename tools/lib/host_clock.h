/* A monotonic clock in seconds for the host tools' measurements. Hosted only. */
#ifndef TOOLS_LIB_HOST_CLOCK_H
#define TOOLS_LIB_HOST_CLOCK_H

double host_now_s(void);

#endif
