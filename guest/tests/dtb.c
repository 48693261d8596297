/* run-guest: --mem 64M --append "hyp dtb-test console=ttyAMA0" --initrd build/guest/demo/demo.bin */
/* The DTB the guest is given describes this run: /memory is its RAM, /chosen carries the
 * command line and the initrd's place, the CPUs are its vCPUs. (The system tests run it
 * again with a wrong DTB passed by the user: the runner must have fixed it up.) */
#include "guest.h"

static uint32_t be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3]; }

struct found {
	uint32_t mem_base, mem_size, initrd_start, initrd_end, cpus;
	char bootargs[80];
};

static bool starts_with(const char *s, const char *prefix)
{
	while (*prefix)
		if (*s++ != *prefix++)
			return false;
	return true;
}

static bool eq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* Walk the structure block; node names at depth 1 and 2 decide what a property means. */
static void walk(const uint8_t *fdt, struct found *f)
{
	const uint8_t *p = fdt + be32(fdt + 8);
	const char *strings = (const char *)fdt + be32(fdt + 12);
	const char *node[4] = { "", "", "", "" };
	int depth = 0;

	for (;;) {
		uint32_t tok = be32(p);
		p += 4;
		if (tok == 1) { /* BEGIN_NODE */
			const char *name = (const char *)p;
			unsigned n = 0;
			while (name[n])
				n++;
			if (depth < 4)
				node[depth] = name;
			depth++;
			if (depth == 3 && eq(node[1], "cpus") && starts_with(name, "cpu@"))
				f->cpus++;
			p += (n + 4) & ~3u;
		} else if (tok == 2) { /* END_NODE */
			depth--;
		} else if (tok == 3) { /* PROP */
			uint32_t len = be32(p), nameoff = be32(p + 4);
			const uint8_t *val = p + 8;
			const char *pname = strings + nameoff;
			if (depth == 2 && starts_with(node[1], "memory") && eq(pname, "reg") && len >= 8) {
				f->mem_base = be32(val);
				f->mem_size = be32(val + 4);
			}
			if (depth == 2 && eq(node[1], "chosen")) {
				if (eq(pname, "bootargs"))
					for (uint32_t i = 0; i < len && i < sizeof(f->bootargs) - 1; i++)
						f->bootargs[i] = (char)val[i];
				if (eq(pname, "linux,initrd-start"))
					f->initrd_start = be32(val + len - 4);
				if (eq(pname, "linux,initrd-end"))
					f->initrd_end = be32(val + len - 4);
			}
			p += 8 + ((len + 3) & ~3u);
		} else if (tok == 4) { /* NOP */
		} else {
			break; /* END, or garbage */
		}
	}
}

int main(void)
{
	const uint8_t *fdt = (const uint8_t *)boot_regs[2];
	struct found f = { 0 };

	test_suite = "dtb";
	test_begin("is-a-device-tree");
	EXPECT_EQ(be32(fdt), 0xd00dfeed);
	test_end();
	if (be32(fdt) != 0xd00dfeed)
		return 0;
	walk(fdt, &f);

	test_begin("memory-is-this-vms-ram");
	EXPECT_EQ(f.mem_base, hyp_info(HYP_INFO_RAM_IPA));
	EXPECT_EQ(f.mem_size, hyp_info(HYP_INFO_RAM_SIZE));
	EXPECT_EQ(f.mem_size, 64u << 20);
	test_end();

	test_begin("chosen-bootargs");
	EXPECT(eq(f.bootargs, "hyp dtb-test console=ttyAMA0"));
	test_end();

	test_begin("chosen-initrd-where-it-was-loaded");
	/* The initrd is the demo image: its first word is the same as our own entry's
	 * (both start with start.S). */
	EXPECT(f.initrd_start > f.mem_base && f.initrd_end > f.initrd_start);
	EXPECT(f.initrd_end <= f.mem_base + f.mem_size);
	EXPECT_EQ(*(volatile uint32_t *)f.initrd_start, *(volatile uint32_t *)0x80010000);
	EXPECT((uint32_t)fdt >= f.initrd_end); /* the DTB after the initrd, as QEMU places it */
	test_end();

	test_begin("cpus-are-the-vcpus");
	EXPECT_EQ(f.cpus, hyp_info(HYP_INFO_VCPUS));
	test_end();
	return 0;
}
