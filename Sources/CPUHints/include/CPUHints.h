// Processor hints Swift has no spelling for. Header-only (static inline). The optimizer may leave a call to them
// (it did for a one-line prefetch inside the specialised panel kernel), so the prefetch takes a whole range: at
// worst one call per range, never one per cache line.
#ifndef R1_CPU_HINTS_H
#define R1_CPU_HINTS_H

/// Asks the processor to start loading every 64-byte line from `start` up to (not including) `end` into every
/// cache level, for a read soon. Never faults, whatever the addresses.
static inline void r1_prefetch_lines(const void *start, const void *end) {
    for (const char *line = (const char *)start; line < (const char *)end; line += 64) __builtin_prefetch(line, 0, 3);
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
