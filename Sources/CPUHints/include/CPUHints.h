// Processor hints Swift has no spelling for. Header-only (static inline), so the Swift optimizer inlines them.
#ifndef R1_CPU_HINTS_H
#define R1_CPU_HINTS_H

/// Asks the processor to start loading the cache line holding `address` into every cache level, for a read
/// soon. Never faults, whatever the address.
static inline void r1_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

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
