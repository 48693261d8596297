/* Test guests: raw images run where QEMU's -kernel would put them (RAM + 0x10000),
 * MMU off, so link address = IPA. */
ENTRY(_start)

SECTIONS
{
	. = GUEST_RAM_IPA + GUEST_KERNEL_OFFSET;
	.text : {
		KEEP(*(.text.start))
		*(.text .text.*)
	}
	.rodata : { *(.rodata .rodata.*) }
	. = ALIGN(8);
	.data : { *(.data .data.*) }
	. = ALIGN(32);
	__bss_start = .;
	.bss (NOLOAD) : { *(.bss .bss.*) *(COMMON) }
	. = ALIGN(32);
	__bss_end = .;
	/DISCARD/ : { *(.ARM.exidx*) *(.ARM.extab*) *(.comment) }
}
