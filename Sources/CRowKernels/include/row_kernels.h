#ifndef PAIRWISE_ROW_KERNELS_H
#define PAIRWISE_ROW_KERNELS_H
#include <stdint.h>

/* The model's innermost loops over one packed row of `SparseRows` (see there for the
   layout), in C so that they can be compiled for the vector units of the CPU they run on
   (AVX-512, AVX2, or the baseline) and chosen when the program starts. Every lane's
   arithmetic is a Double multiply, then an add, in the row's order: the same bits on
   every CPU, and the same as the Swift loops they replace. */

/* Where a reading of a row stands: its next entry, its next escaped entry, and the index
   of the last entry read (-1 before the first). */
typedef struct {
    int64_t entry;
    int32_t escaped;
    int32_t index;
} pairwise_row_cursor;

/* One row: its codes (read up to `last`), its palette, and the project's escaped entries. */
typedef struct {
    const uint16_t *codes;
    int64_t last;
    const float *palette;
    const int32_t *escaped_indices;
    const float *escaped_values;
} pairwise_row;

/* How many of a row's entries from `start` on fall in each of `blocks` ranges of features:
   block b holds the indices below ends[b] (and from ends[b - 1] on); ends[blocks - 1] must
   be above every index. The kernels below read a given count of entries, with no check on
   each entry's index: the counts are what tells them where a block ends. */
void pairwise_row_block_counts(pairwise_row row, pairwise_row_cursor start, const int64_t *ends, int64_t blocks, uint32_t *counts);

/* For rows `first` and `second`, each from its own cursor: sums[l] += weights[8 * j + l] *
   value, for the row's next `count` entries (j, value), in order, into its own sums; each
   cursor is left at its row's first entry not read. The two rows are read at once (two
   chains of additions in flight). The _4 and _2 forms are the same with 4 and 2 lanes. */
void pairwise_rows_add_dots_8(pairwise_row first, pairwise_row_cursor *first_cursor, int64_t first_count,
                              pairwise_row second, pairwise_row_cursor *second_cursor, int64_t second_count,
                              const double *weights, double *first_sums, double *second_sums);
void pairwise_rows_add_dots_4(pairwise_row first, pairwise_row_cursor *first_cursor, int64_t first_count,
                              pairwise_row second, pairwise_row_cursor *second_cursor, int64_t second_count,
                              const double *weights, double *first_sums, double *second_sums);
void pairwise_rows_add_dots_2(pairwise_row first, pairwise_row_cursor *first_cursor, int64_t first_count,
                              pairwise_row second, pairwise_row_cursor *second_cursor, int64_t second_count,
                              const double *weights, double *first_sums, double *second_sums);

/* target[8 * j + l] += scales[l] * value, for the next `count` entries (j, value) of one row
   from `cursor`, in order; the cursor is left at the first entry not read. */
void pairwise_row_add_scaled_8(pairwise_row row, pairwise_row_cursor *cursor, int64_t count, const double *scales, double *target);
void pairwise_row_add_scaled_4(pairwise_row row, pairwise_row_cursor *cursor, int64_t count, const double *scales, double *target);
void pairwise_row_add_scaled_2(pairwise_row row, pairwise_row_cursor *cursor, int64_t count, const double *scales, double *target);

#endif
