/*
 * PSCI (Power State Coordination Interface) calls to the firmware or
 * hypervisor: power off, reset, and starting a secondary core. The conduit (HVC or SMC) comes from the
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

#define PSCI_E_SUCCESS 0
#define PSCI_E_NOT_SUPPORTED (-1)

/*
 * CPU_ON (function id fn_id, from the device tree): starts the core whose
 * MPIDR affinity is mpidr at physical address entry, with the MMU off and
 * x0 = context, at the caller's exception level. Returns PSCI_E_SUCCESS or
 * a negative PSCI error (psci_error_name); success means only that the
 * core was told to start.
 */
int64_t psci_cpu_on(uint32_t fn_id, uint64_t mpidr, uint64_t entry, uint64_t context);

/* "already on", "invalid address", ...: a PSCI return code in words. */
const char *psci_error_name(int64_t rc);

#endif
