#if defined(__GLIBC__) || defined(__linux__)
#include <malloc.h>
#endif

/* Blocks of `bytes` and more are mapped on their own and unmapped when freed (glibc;
   elsewhere nothing). */
static inline void pairwise_map_blocks_from(int bytes) {
#ifdef M_MMAP_THRESHOLD
    mallopt(M_MMAP_THRESHOLD, bytes);
#else
    (void)bytes;
#endif
}

#include <stdlib.h>
#include <sys/mman.h>

/* `bytes` of memory on a cache line's boundary; from 2 MiB on, on 2 MiB boundaries, Linux
   asked to back it with huge pages (a table read at random is then read without a page
   walk per access). Free it with pairwise_free_huge; NULL when there is no memory. */
static inline void *pairwise_allocate_huge(size_t bytes) {
    size_t huge = (size_t)2 << 20;
    void *p = NULL;
    if (bytes < huge) return posix_memalign(&p, 64, bytes == 0 ? 64 : bytes) == 0 ? p : NULL;
    size_t rounded = (bytes + huge - 1) / huge * huge;
    if (posix_memalign(&p, huge, rounded) != 0) return NULL;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    madvise(p, rounded, MADV_HUGEPAGE);
#endif
    return p;
}

/* Frees what pairwise_allocate_huge gave. */
static inline void pairwise_free_huge(void *p) {
    free(p);
}
