/* The VGIC device API: every group, every error code the seeds give, the user-access
 * rules (latched pending state, line levels, SGI sources in list registers, VMCR fields,
 * APR format, IIDR write-back), and has_attr for each group and attribute. */
#define CHECK_SUITE "vgic_dev"
#include "check.h"

#include <errno.h>
#include <string.h>

#include "gic/vgic_dev.h"

static struct vgic_dist D;
static struct vgic_dev V;
static uint32_t vmcr[VGIC_MAX_VCPUS], apr[VGIC_MAX_VCPUS];
static bool running, ran;

static bool is_running(void *ctx) { (void)ctx; return running; }
static bool has_run(void *ctx) { (void)ctx; return ran; }

static void fresh(void)
{
	memset(&D, 0, sizeof(D));
	memset(&V, 0, sizeof(V));
	memset(vmcr, 0, sizeof(vmcr));
	memset(apr, 0, sizeof(apr));
	running = ran = false;
	V.running = is_running;
	V.has_run = has_run;
	V.gicc_iidr = 0x0002043b;
	for (unsigned i = 0; i < VGIC_MAX_VCPUS; i++) {
		V.vmcr[i] = &vmcr[i];
		V.apr[i] = &apr[i];
	}
}

/* A created and initialized VGIC with `n` vCPUs and 128 lines. */
static int ready(unsigned n)
{
	uint32_t irqs = 128;

	fresh();
	if (vgic_dev_create(&V, &D, n))
		return -1;
	if (vgic_dev_set_attr(&V, VGIC_GRP_NR_IRQS, 0, &irqs))
		return -1;
	return vgic_dev_set_attr(&V, VGIC_GRP_CTRL, VGIC_CTRL_INIT, NULL);
}

static uint32_t get32(uint32_t grp, uint64_t attr)
{
	uint32_t v = 0xdeadbeef;

	if (vgic_dev_get_attr(&V, grp, attr, &v))
		return 0xbad0bad0;
	return v;
}

static int set32(uint32_t grp, uint64_t attr, uint32_t v) { return vgic_dev_set_attr(&V, grp, attr, &v); }

static void test_create_once_and_before_running(void)
{
	fresh();
	CHECK_EQ(vgic_dev_get_attr(&V, VGIC_GRP_NR_IRQS, 0, &(uint32_t){ 0 }), -ENXIO); /* no device */
	CHECK_EQ(vgic_dev_create(&V, &D, 0), -EINVAL);
	CHECK_EQ(vgic_dev_create(&V, &D, VGIC_MAX_VCPUS + 1), -EINVAL);
	CHECK_EQ(vgic_dev_create(&V, &D, 2), 0);
	CHECK_EQ(vgic_dev_create(&V, &D, 2), -EEXIST);
	fresh();
	ran = true;
	CHECK_EQ(vgic_dev_create(&V, &D, 2), -EBUSY);
}

static void test_addr_rules(void)
{
	uint64_t a, got;

	fresh();
	CHECK_EQ(vgic_dev_create(&V, &D, 1), 0);
	CHECK_EQ(vgic_dev_get_attr(&V, VGIC_GRP_ADDR, VGIC_ADDR_TYPE_DIST, &got), 0);
	CHECK_EQ(got, VGIC_ADDR_UNDEF);
	a = 0x2c001800;
	CHECK_EQ(vgic_dev_set_attr(&V, VGIC_GRP_ADDR, VGIC_ADDR_TYPE_DIST, &a), -EINVAL); /* alignment */
	a = 0x100000000ull;
	CHECK_EQ(vgic_dev_set_attr(&V, VGIC_GRP_ADDR, VGIC_ADDR_TYPE_DIST, &a), -E2BIG);
	a = 0xfffff000;
	CHECK_EQ(vgic_dev_set_attr(&V, VGIC_GRP_ADDR, VGIC_ADDR_TYPE_CPU, &a), -E2BIG); /* 8 KiB */
	CHECK_EQ(vgic_dev_set_attr(&V, VGIC_GRP_ADDR, VGIC_ADDR_TYPE_DIST, &a), 0);  /* 4 KiB fits */
	CHECK_EQ(vgic_dev_set_attr(&V, VGIC_GRP_ADDR, VGIC_ADDR_TYPE_DIST, &a), -EEXIST);
	a = 0xffffe000;
	CHECK_EQ(vgic_dev_set_attr(&V, VGIC_GRP_ADDR, VGIC_ADDR_TYPE_CPU, &a), -EINVAL); /* overlaps */
	a = 0x2c002000;
	CHECK_EQ(vgic_dev_set_attr(&V, VGIC_GRP_ADDR, VGIC_ADDR_TYPE_CPU, &a), 0);
	CHECK_EQ(vgic_dev_get_attr(&V, VGIC_GRP_ADDR, VGIC_ADDR_TYPE_CPU, &got), 0);
	CHECK_EQ(got, 0x2c002000);
	CHECK_EQ(vgic_dev_set_attr(&V, VGIC_GRP_ADDR, 2, &a), -ENXIO);
	CHECK_EQ(vgic_dev_set_attr(&V, VGIC_GRP_ADDR, VGIC_ADDR_TYPE_CPU, NULL), -EFAULT);
	fresh();
	CHECK_EQ(vgic_dev_create(&V, &D, 1), 0);
	ran = true;
	a = 0x2c001000;
	CHECK_EQ(vgic_dev_set_attr(&V, VGIC_GRP_ADDR, VGIC_ADDR_TYPE_DIST, &a), -EBUSY);
}

static void test_nr_irqs_and_init(void)
{
	uint32_t n;

	fresh();
	CHECK_EQ(vgic_dev_create(&V, &D, 2), 0);
	CHECK_EQ(get32(VGIC_GRP_NR_IRQS, 0), 0);
	CHECK_EQ(set32(VGIC_GRP_NR_IRQS, 0, 32), -EINVAL);
	CHECK_EQ(set32(VGIC_GRP_NR_IRQS, 0, 100), -EINVAL);
	CHECK_EQ(set32(VGIC_GRP_NR_IRQS, 0, 1056), -EINVAL);
	CHECK_EQ(set32(VGIC_GRP_NR_IRQS, 1, 64), -ENXIO);
	/* Registers need CTRL_INIT first. */
	CHECK_EQ(vgic_dev_get_attr(&V, VGIC_GRP_DIST_REGS, GICD_CTLR, &n), -ENXIO);
	CHECK_EQ(set32(VGIC_GRP_NR_IRQS, 0, 1024), 0);
	CHECK_EQ(set32(VGIC_GRP_NR_IRQS, 0, 64), -EBUSY); /* once */
	CHECK_EQ(get32(VGIC_GRP_NR_IRQS, 0), 1024);
	CHECK_EQ(vgic_dev_get_attr(&V, VGIC_GRP_CTRL, VGIC_CTRL_INIT, &n), -ENXIO);
	CHECK_EQ(vgic_dev_set_attr(&V, VGIC_GRP_CTRL, 1, NULL), -ENXIO);
	CHECK_EQ(vgic_dev_set_attr(&V, VGIC_GRP_CTRL, VGIC_CTRL_INIT, NULL), 0);
	CHECK_EQ(vgic_dev_set_attr(&V, VGIC_GRP_CTRL, VGIC_CTRL_INIT, NULL), 0); /* idempotent */
	CHECK_EQ(D.nr_irqs, 1024);
	CHECK_EQ(D.nr_vcpus, 2);
	CHECK_EQ(get32(VGIC_GRP_DIST_REGS, GICD_TYPER), (1024 / 32 - 1) | 1u << 5);
	/* Default when never set. */
	fresh();
	CHECK_EQ(vgic_dev_create(&V, &D, 1), 0);
	CHECK_EQ(vgic_dev_set_attr(&V, VGIC_GRP_CTRL, VGIC_CTRL_INIT, NULL), 0);
	CHECK_EQ(get32(VGIC_GRP_NR_IRQS, 0), VGIC_DEV_DEFAULT_IRQS);
	CHECK_EQ(set32(VGIC_GRP_NR_IRQS, 0, 64), -EBUSY);
}

static void test_register_access_errors(void)
{
	uint32_t v = 0;

	CHECK_EQ(ready(2), 0);
	CHECK_EQ(vgic_dev_get_attr(&V, VGIC_GRP_DIST_REGS, VGIC_ATTR(2, GICD_CTLR), &v), -EINVAL);
	CHECK_EQ(vgic_dev_get_attr(&V, VGIC_GRP_CPU_REGS, VGIC_ATTR(5, GICC_PMR), &v), -EINVAL);
	CHECK_EQ(vgic_dev_get_attr(&V, VGIC_GRP_DIST_REGS, GICD_CTLR + 2, &v), -ENXIO);
	CHECK_EQ(vgic_dev_get_attr(&V, VGIC_GRP_DIST_REGS, 0x00c, &v), -ENXIO); /* reserved */
	CHECK_EQ(vgic_dev_get_attr(&V, VGIC_GRP_DIST_REGS, 0xf04, &v), -ENXIO);
	CHECK_EQ(vgic_dev_get_attr(&V, VGIC_GRP_DIST_REGS, 0x1000, &v), -ENXIO);
	CHECK_EQ(vgic_dev_get_attr(&V, VGIC_GRP_CPU_REGS, GICC_IAR, &v), -ENXIO);
	CHECK_EQ(vgic_dev_get_attr(&V, VGIC_GRP_CPU_REGS, GICC_EOIR, &v), -ENXIO);
	CHECK_EQ(vgic_dev_get_attr(&V, VGIC_GRP_CPU_REGS, GICC_DIR, &v), -ENXIO);
	CHECK_EQ(vgic_dev_get_attr(&V, VGIC_GRP_DIST_REGS, GICD_CTLR, NULL), -EFAULT);
	CHECK_EQ(vgic_dev_get_attr(&V, 9, 0, &v), -ENXIO);
	running = true;
	CHECK_EQ(vgic_dev_get_attr(&V, VGIC_GRP_DIST_REGS, GICD_CTLR, &v), -EBUSY);
	CHECK_EQ(vgic_dev_set_attr(&V, VGIC_GRP_CPU_REGS, GICC_PMR, &v), -EBUSY);
	CHECK_EQ(vgic_dev_get_attr(&V, VGIC_GRP_LEVEL_INFO, 32, &v), -EBUSY);
	CHECK_EQ(vgic_dev_get_attr(&V, VGIC_GRP_SGI_ACTIVE_SOURCE, 0, &v), -EBUSY);
}

/* GICD_ISPENDR is the latch: a level line held high does not show, and writes set and
 * clear the latch exactly; GICD_ICPENDR is RAZ/WI. The guest's view is the OR of both. */
static void test_ispendr_is_the_latch(void)
{
	uint32_t guest;

	CHECK_EQ(ready(1), 0);
	vgic_set_level(&D, 0, 40, true); /* level SPI, line high */
	CHECK_EQ(get32(VGIC_GRP_DIST_REGS, GICD_ISPENDR + 4), 0);
	CHECK_EQ(get32(VGIC_GRP_LEVEL_INFO, 32), 1u << 8);
	vgic_dist_read(&D, 0, GICD_ISPENDR + 4, 4, &guest);
	CHECK_EQ(guest, 1u << 8);
	CHECK_EQ(set32(VGIC_GRP_DIST_REGS, GICD_ISPENDR + 4, 1u << 9 | 1u << 8), 0);
	CHECK(D.spi[9].pending_latch && D.spi[8].pending_latch);
	CHECK_EQ(set32(VGIC_GRP_DIST_REGS, GICD_ISPENDR + 4, 1u << 9), 0); /* 0 bits clear */
	CHECK(!D.spi[8].pending_latch && D.spi[9].pending_latch);
	CHECK(D.spi[8].line_level); /* the line is LEVEL_INFO's, untouched */
	CHECK_EQ(get32(VGIC_GRP_DIST_REGS, GICD_ICPENDR + 4), 0);
	CHECK_EQ(set32(VGIC_GRP_DIST_REGS, GICD_ICPENDR + 4, ~0u), 0);
	CHECK(D.spi[9].pending_latch);
	/* SGI bits of ISPENDR0 are not a latch: per-source state is GICD_SPENDSGIR's. */
	CHECK_EQ(set32(VGIC_GRP_DIST_REGS, GICD_ISPENDR, 0xffff), 0);
	CHECK_EQ(D.priv[0][3].sgi_sources, 0);
}

static void test_level_info(void)
{
	CHECK_EQ(ready(2), 0);
	/* Setting a line does not latch an edge: an edge SPI whose line was high stays so. */
	D.spi[2].edge = true;
	CHECK_EQ(set32(VGIC_GRP_LEVEL_INFO, 32, 1u << 2 | 1u << 3), 0);
	CHECK(D.spi[2].line_level && !D.spi[2].pending_latch);
	CHECK(D.spi[3].line_level);
	CHECK_EQ(get32(VGIC_GRP_LEVEL_INFO, 32), 1u << 2 | 1u << 3);
	/* PPIs per vCPU; SGIs RAZ/WI; beyond nr_irqs RAZ/WI. */
	CHECK_EQ(set32(VGIC_GRP_LEVEL_INFO, VGIC_ATTR(1, 0), 0xffffffff), 0);
	CHECK_EQ(get32(VGIC_GRP_LEVEL_INFO, VGIC_ATTR(1, 0)), 0xffff0000);
	CHECK_EQ(get32(VGIC_GRP_LEVEL_INFO, VGIC_ATTR(0, 0)), 0);
	CHECK_EQ(set32(VGIC_GRP_LEVEL_INFO, 128, ~0u), 0);
	CHECK_EQ(get32(VGIC_GRP_LEVEL_INFO, 128), 0);
	CHECK_EQ(set32(VGIC_GRP_LEVEL_INFO, 33, 0), -EINVAL);
	CHECK_EQ(set32(VGIC_GRP_LEVEL_INFO, 1u << 10 | 32, 0), -EINVAL);
	CHECK_EQ(set32(VGIC_GRP_LEVEL_INFO, VGIC_ATTR(2, 32), 0), -EINVAL);
}

/* SGI sources: set, cleared and read per source, including an instance that sits in a
 * list register (it reads as pending, and clearing it reaches the LR copy). */
static void test_sgi_sources(void)
{
	uint32_t lrs[4], hcr;

	CHECK_EQ(ready(2), 0);
	CHECK_EQ(set32(VGIC_GRP_DIST_REGS, GICD_CTLR, 1), 0);
	CHECK_EQ(set32(VGIC_GRP_DIST_REGS, VGIC_ATTR(1, GICD_SPENDSGIR), 0x03000100), 0);
	CHECK_EQ(D.priv[1][1].sgi_sources, 1);
	CHECK_EQ(D.priv[1][3].sgi_sources, 3);
	CHECK_EQ(get32(VGIC_GRP_DIST_REGS, VGIC_ATTR(1, GICD_CPENDSGIR)), 0x03000100);
	CHECK_EQ(vgic_flush_lrs(&D, 1, lrs, 4, &hcr), 2);
	CHECK_EQ(get32(VGIC_GRP_DIST_REGS, VGIC_ATTR(1, GICD_SPENDSGIR)), 0x03000100);
	CHECK_EQ(set32(VGIC_GRP_DIST_REGS, VGIC_ATTR(1, GICD_CPENDSGIR), 0x01000000), 0);
	vgic_sync_lrs(&D, 1, lrs, 2);
	CHECK_EQ(get32(VGIC_GRP_DIST_REGS, VGIC_ATTR(1, GICD_SPENDSGIR)), 0x02000100);
	CHECK_EQ(get32(VGIC_GRP_DIST_REGS, VGIC_ATTR(0, GICD_SPENDSGIR)), 0);
}

static void test_active_source(void)
{
	CHECK_EQ(ready(4), 0);
	CHECK_EQ(set32(VGIC_GRP_DIST_REGS, VGIC_ATTR(2, GICD_ISACTIVER), 1u << 5), 0);
	CHECK_EQ(D.priv[2][5].active_source, 2); /* as a guest write: the accessing vCPU */
	CHECK_EQ(set32(VGIC_GRP_SGI_ACTIVE_SOURCE, VGIC_ATTR(2, 4), 0x00000300), 0);
	CHECK_EQ(D.priv[2][5].active_source, 3);
	CHECK_EQ(get32(VGIC_GRP_SGI_ACTIVE_SOURCE, VGIC_ATTR(2, 4)), 0x00000300);
	/* A source that does not exist: refused, nothing changed. */
	CHECK_EQ(set32(VGIC_GRP_SGI_ACTIVE_SOURCE, VGIC_ATTR(2, 4), 0x04000001), -EINVAL);
	CHECK_EQ(D.priv[2][4].active_source, 0);
	CHECK_EQ(set32(VGIC_GRP_SGI_ACTIVE_SOURCE, VGIC_ATTR(2, 16), 0), -ENXIO);
	CHECK_EQ(set32(VGIC_GRP_SGI_ACTIVE_SOURCE, VGIC_ATTR(2, 2), 0), -ENXIO);
}

static void test_iidr_and_typer_write_back(void)
{
	uint32_t iidr, typer;

	CHECK_EQ(ready(2), 0);
	iidr = get32(VGIC_GRP_DIST_REGS, GICD_IIDR);
	typer = get32(VGIC_GRP_DIST_REGS, GICD_TYPER);
	CHECK_EQ(iidr, VGIC_IIDR);
	CHECK_EQ(set32(VGIC_GRP_DIST_REGS, GICD_IIDR, iidr), 0);
	CHECK_EQ(set32(VGIC_GRP_DIST_REGS, GICD_IIDR, iidr + (1u << 12)), -EINVAL); /* revision */
	CHECK_EQ(set32(VGIC_GRP_DIST_REGS, GICD_TYPER, typer), 0);
	CHECK_EQ(set32(VGIC_GRP_DIST_REGS, GICD_TYPER, typer ^ 1), -EINVAL);
	CHECK_EQ(get32(VGIC_GRP_CPU_REGS, GICC_IIDR), 0x0002043b);
	CHECK_EQ(set32(VGIC_GRP_CPU_REGS, GICC_IIDR, 0x0002043b), 0);
	CHECK_EQ(set32(VGIC_GRP_CPU_REGS, GICC_IIDR, 0x0102043b), -EINVAL);
	/* GICD_SGIR: no state, so RAZ/WI here (a write would send SGIs). */
	CHECK_EQ(set32(VGIC_GRP_DIST_REGS, GICD_SGIR, 0x02000001), 0);
	CHECK_EQ(D.priv[0][1].sgi_sources, 0);
	CHECK_EQ(get32(VGIC_GRP_DIST_REGS, GICD_SGIR), 0);
}

/* GICC_CTLR/PMR/BPR/ABPR are fields of GICH_VMCR; APR0 is GICH_APR, level X in bit X. */
static void test_cpu_regs_in_vmcr(void)
{
	CHECK_EQ(ready(2), 0);
	CHECK_EQ(set32(VGIC_GRP_CPU_REGS, VGIC_ATTR(1, GICC_CTLR), 0x201 | 0xfc00), 0);
	CHECK_EQ(vmcr[1], 0x201u); /* EnableGrp0, EOImode; reserved bits dropped */
	CHECK_EQ(set32(VGIC_GRP_CPU_REGS, VGIC_ATTR(1, GICC_PMR), 0xa7), 0);
	CHECK_EQ(vmcr[1] >> 27, 0xa0u >> 3);
	CHECK_EQ(get32(VGIC_GRP_CPU_REGS, VGIC_ATTR(1, GICC_PMR)), 0xa0);
	CHECK_EQ(set32(VGIC_GRP_CPU_REGS, VGIC_ATTR(1, GICC_BPR), 3), 0);
	CHECK_EQ(set32(VGIC_GRP_CPU_REGS, VGIC_ATTR(1, GICC_ABPR), 4), 0);
	CHECK_EQ(vmcr[1], 0x201u | 0xa0u << 24 | 3u << 21 | 4u << 18);
	CHECK_EQ(get32(VGIC_GRP_CPU_REGS, VGIC_ATTR(1, GICC_CTLR)), 0x201);
	CHECK_EQ(get32(VGIC_GRP_CPU_REGS, VGIC_ATTR(1, GICC_BPR)), 3);
	CHECK_EQ(get32(VGIC_GRP_CPU_REGS, VGIC_ATTR(1, GICC_ABPR)), 4);
	CHECK_EQ(vmcr[0], 0);
	CHECK_EQ(set32(VGIC_GRP_CPU_REGS, VGIC_ATTR(1, GICC_APR0), 0x80000011), 0);
	CHECK_EQ(apr[1], 0x80000011);
	CHECK_EQ(get32(VGIC_GRP_CPU_REGS, VGIC_ATTR(1, GICC_APR0)), 0x80000011);
	CHECK_EQ(get32(VGIC_GRP_CPU_REGS, VGIC_ATTR(1, GICC_APR0 + 4)), 0);
	CHECK_EQ(set32(VGIC_GRP_CPU_REGS, VGIC_ATTR(1, GICC_APR0 + 12), 0), 0);
	CHECK_EQ(set32(VGIC_GRP_CPU_REGS, VGIC_ATTR(1, GICC_APR0 + 12), 1), -EINVAL); /* level 96 */
	CHECK_EQ(set32(VGIC_GRP_CPU_REGS, VGIC_ATTR(1, GICC_APR0 + 2), 0), -ENXIO);
}

static void test_has_attr(void)
{
	fresh();
	CHECK_EQ(vgic_dev_has_attr(&V, VGIC_GRP_ADDR, VGIC_ADDR_TYPE_DIST), -ENXIO); /* no device */
	CHECK_EQ(vgic_dev_create(&V, &D, 2), 0);
	CHECK_EQ(vgic_dev_has_attr(&V, VGIC_GRP_ADDR, VGIC_ADDR_TYPE_DIST), 0);
	CHECK_EQ(vgic_dev_has_attr(&V, VGIC_GRP_ADDR, VGIC_ADDR_TYPE_CPU), 0);
	CHECK_EQ(vgic_dev_has_attr(&V, VGIC_GRP_ADDR, 2), -ENXIO);
	CHECK_EQ(vgic_dev_has_attr(&V, VGIC_GRP_NR_IRQS, 0), 0);
	CHECK_EQ(vgic_dev_has_attr(&V, VGIC_GRP_NR_IRQS, 1), -ENXIO);
	CHECK_EQ(vgic_dev_has_attr(&V, VGIC_GRP_CTRL, VGIC_CTRL_INIT), 0);
	CHECK_EQ(vgic_dev_has_attr(&V, VGIC_GRP_CTRL, 1), -ENXIO);
	CHECK_EQ(vgic_dev_has_attr(&V, VGIC_GRP_LEVEL_INFO, 64), 0);
	CHECK_EQ(vgic_dev_has_attr(&V, VGIC_GRP_LEVEL_INFO, 65), -ENXIO);
	CHECK_EQ(vgic_dev_has_attr(&V, VGIC_GRP_SGI_ACTIVE_SOURCE, 12), 0);
	CHECK_EQ(vgic_dev_has_attr(&V, VGIC_GRP_SGI_ACTIVE_SOURCE, 16), -ENXIO);
	CHECK_EQ(vgic_dev_has_attr(&V, 5, 0), -ENXIO);
	/* Every word of the two frames: a register exactly where the tables say. */
	for (uint32_t off = 0; off < 0x1000; off += 4) {
		bool reg = off <= GICD_IIDR || (off >= GICD_IGROUPR && off < GICD_ICFGR + 0x100) ||
			   (off >= GICD_SGIR && off < GICD_SPENDSGIR + 0x10 && off != 0xf04 &&
			    off != 0xf08 && off != 0xf0c) ||
			   off >= GICD_PIDR4;
		CHECK_EQ_AT(vgic_dev_has_attr(&V, VGIC_GRP_DIST_REGS, off), reg ? 0 : -ENXIO, off);
		CHECK_EQ_AT(vgic_dev_has_attr(&V, VGIC_GRP_DIST_REGS, off + 1), -ENXIO, off);
	}
	for (uint32_t off = 0; off < 0x2000; off += 4) {
		bool reg = off == GICC_CTLR || off == GICC_PMR || off == GICC_BPR || off == GICC_ABPR ||
			   (off >= GICC_APR0 && off < GICC_APR0 + 16) || off == GICC_IIDR;
		CHECK_EQ_AT(vgic_dev_has_attr(&V, VGIC_GRP_CPU_REGS, off), reg ? 0 : -ENXIO, off);
	}
}

int main(void)
{
	RUN(create_once_and_before_running);
	RUN(addr_rules);
	RUN(nr_irqs_and_init);
	RUN(register_access_errors);
	RUN(ispendr_is_the_latch);
	RUN(level_info);
	RUN(sgi_sources);
	RUN(active_source);
	RUN(iidr_and_typer_write_back);
	RUN(cpu_regs_in_vmcr);
	RUN(has_attr);
	return check_exit();
}
