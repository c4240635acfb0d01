#if defined(__GLIBC__) || defined(__linux__)
#include <malloc.h>
#endif

/* A hint that the line holding p is read soon; Swift has no prefetch of its own. */
static inline void pairwise_prefetch(const void *p) {
    __builtin_prefetch(p, 0, 3);
}

/* Blocks of `bytes` and more are mapped on their own and unmapped when freed (glibc;
   elsewhere nothing). */
static inline void pairwise_map_blocks_from(int bytes) {
#ifdef M_MMAP_THRESHOLD
    mallopt(M_MMAP_THRESHOLD, bytes);
#else
    (void)bytes;
#endif
}
