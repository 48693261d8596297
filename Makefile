# The hypervisor, its test guests and its host unit tests.
# `make run`, `make test`, `make bench`, `make debug`: see README.md.

include scripts/layout.sh

CROSS ?= arm-none-eabi-
CC := $(CROSS)gcc
OBJCOPY := $(CROSS)objcopy
HOSTCC ?= gcc
B := build

LAYOUT_DEFS := -DHYP_PA=$(HYP_PA) -DHYP_SIZE=$(HYP_SIZE) -DBOOTDESC_PA=$(BOOTDESC_PA) \
	-DGUEST_RAM_IPA=$(GUEST_RAM_IPA) -DGUEST_RAM_PA=$(GUEST_RAM_PA) \
	-DGUEST_KERNEL_OFFSET=$(GUEST_KERNEL_OFFSET)
BUILD_ID := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

# ARM state, soft-float: the hypervisor never touches VFP/NEON, so the guest owns them.
# No unaligned accesses: code runs with the MMU off (Device memory) before the Hyp MMU is on.
# uint32_t is "long" in the ARM EABI's newlib; make it "int" as on the host so %x/%u
# mean the same in every build.
INT32_FIX := -U__INT32_TYPE__ -D__INT32_TYPE__=int -U__UINT32_TYPE__ '-D__UINT32_TYPE__=unsigned int'
TARGET_CFLAGS := $(INT32_FIX) -mcpu=cortex-a15 -marm -mfloat-abi=soft -mno-unaligned-access \
	-ffreestanding -fno-common -fno-pic -fno-stack-protector -ffunction-sections \
	-O2 -g -std=gnu11 -Wall -Wextra -Werror -Iinclude -I. $(LAYOUT_DEFS) -MMD -MP
TARGET_ASFLAGS := -mcpu=cortex-a15 -marm -Iinclude -I. $(LAYOUT_DEFS) -MMD -MP
# newlib's C library for Thumb-2 ARMv7-A without FPU (memcpy, memset, memcmp, ...).
LIBC := $(shell $(CC) -mthumb -march=armv7-a -mfloat-abi=soft -print-file-name=libc.a 2>/dev/null)
LIBGCC := $(shell $(CC) -mthumb -march=armv7-a -mfloat-abi=soft -print-libgcc-file-name 2>/dev/null)
TARGET_LDFLAGS := -nostdlib -Wl,--gc-sections -Wl,--no-warn-rwx-segments

HYP_SRCS := boot/start.S boot/secure.S boot/boot.c boot/mmu.c \
	hyp/entry.S hyp/vcpu_ctx.S hyp/vcpu_cp15.c hyp/vcpu_regs.c hyp/vcpu.c hyp/sched.c hyp/pcpu_idle.c hyp/trap.c \
	hyp/hsr.c hyp/insn.c hyp/inject.c hyp/mmio.c hyp/stage2.c hyp/vm.c hyp/vm_pause.c hyp/vm_reset.c hyp/vm_suspend.c hyp/hvc.c hyp/psci.c \
	hyp/testdev.c hyp/page_pool.c hyp/log.c hyp/panic.c hyp/main.c hyp/snap_format.c \
	hyp/irq.c hyp/vtimer.c hyp/ptimer.c hyp/sysreg_trap.c hyp/monitor.c \
	hyp/snapshot.c hyp/snap_vcpu.c hyp/snap_vgic.c hyp/monitor_snap.c hyp/snap_disk.c \
	hyp/snap_disk_io.c drivers/virtio_blk.c \
	gic/gic.c gic/gich.c gic/vgic_dist.c gic/vgic_lr.c gic/vgic_dev.c gic/vgic_hw.c gic/vgic_dir.c \
	gic/vgic_guard.c drivers/pl011.c drivers/vexpress_sysreg.c lib/fmt.c
HYP_OBJS := $(patsubst %,$(B)/hyp/%.o,$(basename $(HYP_SRCS)))

GUEST_LIB_SRCS := guest/lib/start.S guest/lib/exceptions.c guest/lib/console.c guest/lib/test.c \
	guest/lib/gic.c lib/fmt.c
GUEST_LIB_OBJS := $(patsubst %,$(B)/guest/%.o,$(basename $(GUEST_LIB_SRCS)))
GUEST_TESTS := $(basename $(notdir $(wildcard guest/tests/*.c)))
GUEST_BINS := $(patsubst %,$(B)/guest/tests/%.bin,$(GUEST_TESTS)) $(B)/guest/demo/demo.bin \
	$(B)/guest/bench/bench.bin $(B)/guest/bench/snapbench.bin $(B)/guest/bench/compute.bin $(B)/guest/selftest/hang.bin $(B)/guest/selftest/idle.bin \
	$(B)/guest/selftest/busy.bin $(B)/guest/selftest/cpu0off.bin $(B)/guest/selftest/sleeper.bin \
	$(B)/guest/bench/compute10.bin

# Host unit tests: the hardware-independent code, under ASan and UBSan.
HOST_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -Iinclude -I. $(LAYOUT_DEFS) \
	-fsanitize=address,undefined -fno-sanitize-recover=all -MMD -MP
HOST_TESTS := $(basename $(notdir $(wildcard tests/test_*.c)))
HOST_LIB_SRCS := hyp/hsr.c hyp/insn.c hyp/inject.c hyp/mmio.c hyp/stage2.c hyp/testdev.c lib/fmt.c \
	gic/vgic_dist.c gic/vgic_lr.c gic/vgic_dev.c hyp/snap_format.c hyp/snap_vgic.c hyp/snap_vcpu.c \
	hyp/snap_disk.c
HOST_LIB_OBJS := $(patsubst %,$(B)/host/%.o,$(basename $(HOST_LIB_SRCS)))

# V=1 shows the commands.
Q := $(if $(V),,@)
.SECONDARY:

.PHONY: all setup run run-demo test bench profile debug host-tests clean
all: $(B)/hyp.elf $(GUEST_BINS) $(patsubst %,$(B)/host/%,$(HOST_TESTS)) $(B)/snapshot-tool

setup:
	@scripts/setup.sh

$(B)/hyp/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(TARGET_CFLAGS) -flto -DHYP_BUILD_ID='"$(BUILD_ID)"' -c $< -o $@
$(B)/hyp/%.o: %.S
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(CC) $(TARGET_ASFLAGS) -c $< -o $@
$(B)/guest/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(TARGET_CFLAGS) -Iguest/lib -c $< -o $@
$(B)/guest/%.o: %.S
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(CC) $(TARGET_ASFLAGS) -Iguest/lib -c $< -o $@

$(B)/%.ld: linker/%.ld.S scripts/layout.sh
	@mkdir -p $(dir $@)
	$(Q)$(CC) -E -P -x c $(LAYOUT_DEFS) $< -o $@

$(B)/hyp.elf: $(HYP_OBJS) $(B)/hyp.ld
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(TARGET_CFLAGS) -flto=auto $(TARGET_LDFLAGS) -T $(B)/hyp.ld $(HYP_OBJS) $(LIBC) $(LIBGCC) -o $@

$(B)/guest/%.elf: $(B)/guest/guest/%.o $(GUEST_LIB_OBJS) $(B)/guest.ld
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(TARGET_CFLAGS) $(TARGET_LDFLAGS) -T $(B)/guest.ld $< $(GUEST_LIB_OBJS) $(LIBC) $(LIBGCC) -o $@
$(B)/guest/%.bin: $(B)/guest/%.elf
	$(Q)$(OBJCOPY) -O binary $< $@

$(B)/host/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -c $< -o $@
$(B)/host/test_%: $(B)/host/tests/test_%.o $(HOST_LIB_OBJS)
	@echo "  HOSTLD  $@"
	$(Q)$(HOSTCC) $(HOST_CFLAGS) $^ -o $@

host-tests: $(patsubst %,$(B)/host/%,$(HOST_TESTS))

# The host's snapshot tool (scripts/snapshot): the hypervisor's own codec, optimised.
TOOL_SRCS := tools/snapshot.c hyp/snap_format.c hyp/snap_disk.c hyp/snap_vcpu.c hyp/snap_vgic.c \
	gic/vgic_dist.c gic/vgic_lr.c gic/vgic_dev.c lib/fmt.c
TOOL_OBJS := $(patsubst %,$(B)/tool/%.o,$(basename $(TOOL_SRCS)))
$(B)/tool/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	$(Q)$(HOSTCC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -Iinclude -I. $(LAYOUT_DEFS) -MMD -MP -c $< -o $@
$(B)/snapshot-tool: $(TOOL_OBJS)
	@echo "  HOSTLD  $@"
	$(Q)$(HOSTCC) $^ -o $@

# The Linux guest with 2 vCPUs and an interactive busybox shell ('poweroff -f' ends it).
run: setup
	@$(MAKE) --no-print-directory all
	@scripts/fetch-linux.sh
	scripts/run-guest --kernel $(B)/linux/zImage --initrd $(B)/linux/initramfs.cpio.gz --monitor pty \
		--append "console=ttyAMA0" --vcpus 2 --mem 256M

# The bare-metal demo guest: banner, a few hypercalls, MMIO, a timer sleep, power-off.
run-demo: setup
	@$(MAKE) --no-print-directory all
	scripts/run-guest --kernel $(B)/guest/demo/demo.bin

test: setup
	@$(MAKE) --no-print-directory all
	@scripts/run-tests.sh

bench: setup
	@$(MAKE) --no-print-directory all
	@scripts/bench.sh

# The benchmark guest with few iterations, for scripts/profile.sh's instruction trace.
PROF_N := 200
PROF_NLAT := 50
$(B)/guest/guest/bench/bench-prof.o: guest/bench/bench.c
	@mkdir -p $(dir $@)
	@echo "  CC      $< (profile)"
	$(Q)$(CC) $(TARGET_CFLAGS) -Iguest/lib -DPROFILE -DN=$(PROF_N) -DNLAT=$(PROF_NLAT) -c $< -o $@

# The compute guest for 10 s, for the fair-share test of two VMs (scripts/run-tests.sh).
$(B)/guest/guest/bench/compute10.o: guest/bench/compute.c
	@mkdir -p $(dir $@)
	@echo "  CC      $< (10 s)"
	$(Q)$(CC) $(TARGET_CFLAGS) -Iguest/lib -DSECONDS=10 -c $< -o $@

profile: setup
	@$(MAKE) --no-print-directory $(B)/hyp.elf $(B)/guest/bench/bench-prof.bin
	@PROF_N=$(PROF_N) PROF_NLAT=$(PROF_NLAT) scripts/profile.sh

debug: setup
	@$(MAKE) --no-print-directory all
	scripts/debug.sh $(B)/guest/demo/demo.bin

clean:
	rm -rf $(B)

-include $(shell find $(B) -path '$(B)/linux' -prune -o -type f -name '*.d' -print 2>/dev/null)
