/* The hypervisor image: linked and run at its physical address (Hyp MMU is identity). */
ENTRY(_start)

SECTIONS
{
	. = HYP_PA;
	__hyp_start = .;
	.text : {
		KEEP(*(.text.boot))
		*(.text .text.*)
	}
	.rodata : { *(.rodata .rodata.*) }
	. = ALIGN(8);
	.data : { *(.data .data.*) }
	. = ALIGN(32);
	__bss_start = .;
	.bss (NOLOAD) : {
		*(.bss .bss.*)
		*(COMMON)
	}
	. = ALIGN(32);
	__bss_end = .;
	__hyp_end = .;
	ASSERT(__hyp_end <= BOOTDESC_PA, "hypervisor image overlaps the boot descriptor page")
	/DISCARD/ : { *(.ARM.exidx*) *(.ARM.extab*) *(.comment) }
}
