#include "row_kernels.h"

/* Products and sums are rounded one at a time, never fused into one instruction: the
   same bits whichever instructions the CPU offers. */
#pragma clang fp contract(off)

#if defined(__x86_64__) && defined(__linux__)
/* One copy per vector width; the loader picks the widest this CPU runs. */
#define PAIRWISE_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define PAIRWISE_CLONES
#endif

/* A code's low 4 bits are its value's place in the row's palette (15: escaped), the
   others the gap from the previous entry's index. */
#define PLACE_BITS 4
#define ESCAPE 15

typedef double lanes8 __attribute__((ext_vector_type(8), aligned(8)));
typedef double lanes4 __attribute__((ext_vector_type(4), aligned(8)));
typedef double lanes2 __attribute__((ext_vector_type(2), aligned(8)));

/* Where a kernel's reading of a row stands (a cursor, widened). */
typedef struct {
    int64_t k, escaped, index;
} walk;

/* Reads the entry at the walk, which the caller knows is there (sets `index` and `value`,
   and moves on). */
static inline __attribute__((always_inline)) void take(const pairwise_row *row, walk *w, int64_t *index, double *value) {
    uint16_t code = row->codes[w->k];
    if ((code & ESCAPE) == ESCAPE) {
        w->index = row->escaped_indices[w->escaped];
        *value = (double)row->escaped_values[w->escaped];
        w->escaped += 1;
    } else {
        w->index += code >> PLACE_BITS;
        *value = (double)row->palette[code & ESCAPE];
    }
    w->k += 1;
    *index = w->index;
}

void pairwise_row_block_counts(pairwise_row row, pairwise_row_cursor start, const int64_t *ends, int64_t blocks, uint32_t *counts) {
    walk at = {start.entry, start.escaped, start.index};
    int64_t index = 0, block = 0;
    double value = 0;
    for (int64_t b = 0; b < blocks; b++) counts[b] = 0;
    while (at.k < row.last) {
        take(&row, &at, &index, &value);
        while (block + 1 < blocks && index >= ends[block]) block += 1;
        counts[block] += 1;
    }
}

/* Row r of `rows`, as the one-row kernels read it. */
static inline __attribute__((always_inline)) pairwise_row row_of(const pairwise_rows *rows, int64_t r) {
    return (pairwise_row){rows->codes, rows->entry_start[r + 1], rows->palette + rows->palette_start[r], rows->escaped_indices, rows->escaped_values};
}

/* Asks for the memory a reading of row r from `cursor` needs next (its codes and values). */
static inline __attribute__((always_inline)) void prefetch_row(const pairwise_rows *rows, int64_t r, pairwise_row_cursor cursor) {
    int64_t entry = cursor.entry < rows->code_count ? cursor.entry : rows->code_count - 1;
    int64_t place = rows->palette_start[r] < rows->palette_count ? rows->palette_start[r] : rows->palette_count - 1;
    if (entry >= 0) __builtin_prefetch(rows->codes + entry);
    if (place >= 0) __builtin_prefetch(rows->palette + place);
}

/* Rows read ahead of the one being read, in the loops over many rows. */
#define AHEAD 8

#define KERNELS(N)                                                                                  \
    static inline __attribute__((always_inline)) void add_scaled_##N(pairwise_row row, pairwise_row_cursor *cursor, \
                                     int64_t count, const lanes##N *scales, lanes##N *t) {         \
        lanes##N scale = *scales;                                                                   \
        walk at = {cursor->entry, cursor->escaped, cursor->index};                                  \
        int64_t index = 0;                                                                          \
        double value = 0;                                                                           \
        for (int64_t n = 0; n < count; n++) {                                                       \
            take(&row, &at, &index, &value);                                                        \
            t[index] = t[index] + scale * value;                                                    \
        }                                                                                           \
        *cursor = (pairwise_row_cursor){at.k, (int32_t)at.escaped, (int32_t)at.index};              \
    }                                                                                               \
    static inline __attribute__((always_inline)) void add_dots_##N(pairwise_row first, pairwise_row_cursor *first_cursor, \
                                    int64_t first_count, pairwise_row second,                       \
                                    pairwise_row_cursor *second_cursor, int64_t second_count,       \
                                    const lanes##N *w, lanes##N *first_sums, lanes##N *second_sums) { \
        lanes##N s1 = *first_sums, s2 = *second_sums;                                               \
        walk w1 = {first_cursor->entry, first_cursor->escaped, first_cursor->index};                \
        walk w2 = {second_cursor->entry, second_cursor->escaped, second_cursor->index};             \
        int64_t i1 = 0, i2 = 0, both = first_count < second_count ? first_count : second_count;    \
        double v1 = 0, v2 = 0;                                                                      \
        for (int64_t n = 0; n < both; n++) {                                                        \
            take(&first, &w1, &i1, &v1);                                                            \
            take(&second, &w2, &i2, &v2);                                                           \
            s1 = s1 + w[i1] * v1;                                                                   \
            s2 = s2 + w[i2] * v2;                                                                   \
        }                                                                                           \
        for (int64_t n = both; n < first_count; n++) { take(&first, &w1, &i1, &v1); s1 = s1 + w[i1] * v1; }   \
        for (int64_t n = both; n < second_count; n++) { take(&second, &w2, &i2, &v2); s2 = s2 + w[i2] * v2; } \
        *first_sums = s1;                                                                           \
        *second_sums = s2;                                                                          \
        *first_cursor = (pairwise_row_cursor){w1.k, (int32_t)w1.escaped, (int32_t)w1.index};        \
        *second_cursor = (pairwise_row_cursor){w2.k, (int32_t)w2.escaped, (int32_t)w2.index};       \
    }                                                                                               \
    PAIRWISE_CLONES                                                                                 \
    void pairwise_rows_add_dots_##N(pairwise_row first, pairwise_row_cursor *first_cursor,          \
                                    int64_t first_count, pairwise_row second,                       \
                                    pairwise_row_cursor *second_cursor, int64_t second_count,       \
                                    const double *weights, double *first_sums,                      \
                                    double *second_sums) {                                          \
        lanes##N s1 = *(const lanes##N *)first_sums, s2 = *(const lanes##N *)second_sums;          \
        add_dots_##N(first, first_cursor, first_count, second, second_cursor, second_count,         \
                     (const lanes##N *)weights, &s1, &s2);                                          \
        *(lanes##N *)first_sums = s1;                                                               \
        *(lanes##N *)second_sums = s2;                                                              \
    }                                                                                               \
    PAIRWISE_CLONES                                                                                 \
    void pairwise_block_dots_##N(pairwise_rows rows, const int32_t *row_ids, int64_t count,         \
                                 pairwise_row_cursor *cursors, const uint32_t *counts, int64_t blocks, \
                                 int64_t block, const double *weights, double *sums) {              \
        const lanes##N *w = (const lanes##N *)weights;                                              \
        for (int64_t o = 0; o + 1 < count; o += 2) {                                                \
            if (o + AHEAD + 1 < count) {                                                            \
                prefetch_row(&rows, row_ids[o + AHEAD], cursors[o + AHEAD]);                        \
                prefetch_row(&rows, row_ids[o + AHEAD + 1], cursors[o + AHEAD + 1]);                \
            }                                                                                       \
            int64_t a = row_ids[o], b = row_ids[o + 1];                                             \
            lanes##N s1 = *(const lanes##N *)(sums + N * o), s2 = *(const lanes##N *)(sums + N * (o + 1)); \
            add_dots_##N(row_of(&rows, a), &cursors[o], counts[blocks * a + block],                  \
                         row_of(&rows, b), &cursors[o + 1], counts[blocks * b + block], w, &s1, &s2); \
            *(lanes##N *)(sums + N * o) = s1;                                                       \
            *(lanes##N *)(sums + N * (o + 1)) = s2;                                                 \
        }                                                                                           \
    }                                                                                               \
    PAIRWISE_CLONES                                                                                 \
    void pairwise_block_add_scaled_##N(pairwise_rows rows, const int32_t *row_ids, int64_t pairs,   \
                                       pairwise_row_cursor *cursors, const uint32_t *counts,        \
                                       int64_t blocks, int64_t block, const double *scales,         \
                                       double *target) {                                            \
        lanes##N *t = (lanes##N *)target;                                                           \
        for (int64_t u = 0; u < pairs; u++) {                                                       \
            if (u + AHEAD < pairs) {                                                                \
                prefetch_row(&rows, row_ids[2 * (u + AHEAD)], cursors[2 * (u + AHEAD)]);            \
                prefetch_row(&rows, row_ids[2 * (u + AHEAD) + 1], cursors[2 * (u + AHEAD) + 1]);    \
            }                                                                                       \
            int64_t a = row_ids[2 * u], b = row_ids[2 * u + 1];                                     \
            lanes##N scale = *(const lanes##N *)(scales + N * u), negated = -scale;                 \
            add_scaled_##N(row_of(&rows, a), &cursors[2 * u], counts[blocks * a + block], &scale, t); \
            add_scaled_##N(row_of(&rows, b), &cursors[2 * u + 1], counts[blocks * b + block], &negated, t); \
        }                                                                                           \
    }

KERNELS(8)
KERNELS(4)
KERNELS(2)
