/*
 * PSCI (Power State Coordination Interface) calls to the firmware or
 * hypervisor: power off and reset. The conduit (HVC or SMC) comes from the
 * device tree's /psci node.
 */
#ifndef ARCH_AARCH64_PSCI_H
#define ARCH_AARCH64_PSCI_H

#include <stddef.h>
#include <stdint.h>

/* How PSCI calls reach the firmware: the device tree's /psci "method". */
typedef enum psci_conduit {
    PSCI_NONE = 0,
    PSCI_HVC,
    PSCI_SMC,
} psci_conduit_t;

void psci_init(psci_conduit_t conduit);

/* "PSCI 1.1", "none" ...: the version the firmware reports. */
const char *psci_describe(char *buf, size_t size);

/*
 * SYSTEM_OFF (QEMU exits with status 0) and SYSTEM_RESET. They return only
 * when there is no PSCI or the call failed.
 */
void psci_system_off(void);
void psci_system_reset(void);

#endif
