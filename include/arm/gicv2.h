/* GICv2 register offsets (ARM IHI 0048B, 4.1.2 and 4.1.3), shared by the physical
 * driver, the VGIC model and the test guests. Host and target. */
#ifndef ARM_GICV2_H
#define ARM_GICV2_H

/* Distributor (GICD) */
#define GICD_CTLR 0x000
#define GICD_TYPER 0x004
#define GICD_IIDR 0x008
#define GICD_IGROUPR 0x080
#define GICD_ISENABLER 0x100
#define GICD_ICENABLER 0x180
#define GICD_ISPENDR 0x200
#define GICD_ICPENDR 0x280
#define GICD_ISACTIVER 0x300
#define GICD_ICACTIVER 0x380
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR 0x800
#define GICD_ICFGR 0xc00
#define GICD_SGIR 0xf00
#define GICD_CPENDSGIR 0xf10
#define GICD_SPENDSGIR 0xf20
#define GICD_PIDR4 0xfd0
#define GICD_SIZE 0x1000

/* CPU interface (GICC, and the GICV that stands in for it) */
#define GICC_CTLR 0x000
#define GICC_PMR 0x004
#define GICC_BPR 0x008
#define GICC_IAR 0x00c
#define GICC_EOIR 0x010
#define GICC_RPR 0x014
#define GICC_HPPIR 0x018
#define GICC_IIDR 0x0fc
#define GICC_DIR 0x1000
#define GICC_CTLR_ENABLE (1u << 0)
#define GICC_CTLR_EOIMODE (1u << 9) /* without Security Extensions: EOImodeS */

/* Virtual interface control (GICH), banked per CPU (ARM IHI 0048B, 5.3) */
#define GICH_HCR 0x000
#define GICH_VTR 0x004
#define GICH_VMCR 0x008
#define GICH_MISR 0x010
#define GICH_EISR0 0x020
#define GICH_ELRSR0 0x030
#define GICH_APR 0x0f0
#define GICH_LR0 0x100
#define GICH_HCR_EN (1u << 0)
#define GICH_HCR_UIE (1u << 1)    /* maintenance while at most one LR is valid */
#define GICH_HCR_LRENPIE (1u << 2) /* ... while EOICount is not 0 */
#define GICH_HCR_NPIE (1u << 3)   /* ... while no LR is pending */
#define GICH_HCR_EOICOUNT_SHIFT 27 /* EOIs that found no LR (5 bits) */
#define GICH_HCR_EOICOUNT_MASK (0x1fu << GICH_HCR_EOICOUNT_SHIFT)
#define GICH_MISR_EOI (1u << 0)
#define GICH_MISR_U (1u << 1)
#define GICH_MISR_LRENP (1u << 2)
#define GICH_MISR_NP (1u << 3)
#define GICH_VMCR_VEM (1u << 9) /* the guest's GICC_CTLR.EOImode */

#endif
