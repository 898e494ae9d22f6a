// Processor hints Swift has no spelling for. Header-only (static inline). They inline into Swift only when the
// importer compiles them for the Swift code's target (`-Xcc -march=haswell` in Package.swift): without it the
// optimizer left a one-line prefetch a call (with a vzeroupper) inside the specialised panel kernel.
#ifndef R1_CPU_HINTS_H
#define R1_CPU_HINTS_H

/// Asks the processor to start loading the 64-byte line at `line` into its outer caches (x86 `prefetcht2`), for a
/// read soon. One instruction when inlined, so a kernel can issue it once per cache line it consumes. Never faults.
static inline void r1_prefetch_outer(const void *line) {
    __builtin_prefetch(line, 0, 1);
}

/// Tells the processor the thread is spinning on a flag (x86 `pause`, Arm `yield`): the loop slows down and
/// leaves execution resources to a sibling hardware thread.
static inline void r1_spin_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm__)
    __asm__ __volatile__("yield");
#endif
}

#endif
