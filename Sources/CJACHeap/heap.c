#include "jac_heap.h"

#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

/// glibc's default M_TOP_PAD (mallopt(3)): what each later growth of the heap adds.
static const int default_top_pad = 128 * 1024;

/// Whether the kernel counts every byte of address space a process may write against a fixed
/// commit limit (vm.overcommit_memory 2): there a reserve would take commit that allocations
/// need.
static int overcommit_is_strict(void) {
    int fd = open("/proc/sys/vm/overcommit_memory", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    char mode = 0;
    ssize_t n = read(fd, &mode, 1);
    close(fd);
    return n == 1 && mode == '2';
}

void jac_heap_tune(size_t reserve, size_t mmap_threshold) {
    mallopt(M_ARENA_MAX, 1);
    mallopt(M_MMAP_THRESHOLD, (int)mmap_threshold);
    // Under a limit on address space or data (ulimit -v, -d), or strict overcommit, the reserve
    // would use up room the run may need; the heap then grows as it goes, in small pages.
    struct rlimit limit;
    if ((getrlimit(RLIMIT_AS, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) ||
        (getrlimit(RLIMIT_DATA, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) ||
        overcommit_is_strict()) return;
    // A trim would give the advised top back, and the heap grown again is advised no more.
    mallopt(M_TRIM_THRESHOLD, INT_MAX);
    // One block that the top cannot hold makes the heap grow by it and the pad; malloc writes
    // only the block's header and the new top's, and freeing the block returns it to the top.
    mallopt(M_TOP_PAD, (int)reserve);
    size_t block = mmap_threshold - 4096;
    uint8_t *p = malloc(block);
    mallopt(M_TOP_PAD, default_top_pad);
    if (p == NULL) return;
    uint8_t *end = sbrk(0);
    free(p);
    // Not from the heap (it could not grow and glibc mapped the block instead): nothing to advise.
    if (end == (void *)-1 || end < p + block) return;
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t from = ((uintptr_t)p + page) & ~(page - 1);
    uintptr_t to = (uintptr_t)end & ~(page - 1);
    // A kernel that refuses leaves the heap in small pages: nothing else changes.
    if (to > from) madvise((void *)from, to - from, MADV_HUGEPAGE);
}
