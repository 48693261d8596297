# Physical and guest address layout, shared by the Makefile (include) and the
# shell scripts (source): plain KEY=VALUE lines are valid in both.

# The hypervisor owns the first 32 MiB of RAM; QEMU loads hyp.elf there.
HYP_PA=0x80000000
HYP_SIZE=0x02000000
# The runner writes the boot descriptor (what to run) into the last page of it.
BOOTDESC_PA=0x81fff000
# Guest RAM: IPA 0x80000000 (as on the real TC2) backed by host RAM right after the hypervisor.
GUEST_RAM_IPA=0x80000000
GUEST_RAM_PA=0x82000000
# Where QEMU's -kernel loader puts a raw image: RAM + 0x10000.
GUEST_KERNEL_OFFSET=0x00010000
# The devices a guest has at their board addresses (docs/guest-platform.md): the
# distributor and CPU interface of the virtual GIC, and UART0.
GUEST_GICD_IPA=0x2c001000
GUEST_GICC_IPA=0x2c002000
GUEST_UART0_IPA=0x1c090000
