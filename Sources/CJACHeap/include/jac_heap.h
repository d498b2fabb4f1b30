#ifndef JAC_HEAP_H
#define JAC_HEAP_H
#include <stddef.h>

/// Sets glibc's allocator, from inside the process, for a tool that fills large buffers once
/// (AllocatorTuning): every thread allocates from the one heap and buffers up to
/// `mmap_threshold` bytes come from it (its freed memory is used again). Then, unless a limit on
/// address space or data or strict overcommit says the room is the run's, the heap is never
/// trimmed and is grown by about `reserve` bytes that nothing has touched yet, advised as
/// transparent huge pages (madvise MADV_HUGEPAGE) so that they fault in 2 MiB at a time when
/// used. mallopt and its constants are in <malloc.h>, which Glibc's Swift module leaves out.
/// Call before a second thread starts. Where the heap cannot grow or the kernel refuses the
/// advice, the heap stays in small pages; the other settings stand either way.
void jac_heap_tune(size_t reserve, size_t mmap_threshold);

#endif
