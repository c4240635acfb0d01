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

/* Every row of a `SparseRows`: row r's codes are codes[entry_start[r] ..< entry_start[r + 1]]
   and its palette starts at palette[palette_start[r]]; `code_count` and `palette_count`
   are the arrays' lengths. */
typedef struct {
    const uint16_t *codes;
    const int64_t *entry_start;
    const int64_t *palette_start;
    const float *palette;
    const int32_t *escaped_indices;
    const float *escaped_values;
    int64_t code_count;
    int64_t palette_count;
} pairwise_rows;

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

/* One block of features of many rows, two at a time: for o = 0, 2, 4 … below `count`, rows
   row_ids[o] and row_ids[o + 1] each add their entries in block `block` (how many:
   counts[blocks * row + block]) from cursors[o] and cursors[o + 1] to their sums, as
   `pairwise_rows_add_dots_8` does (sums[8 * o …] for row o), the memory of the rows
   AHEAD places on asked for meanwhile. */
void pairwise_block_dots_8(pairwise_rows rows, const int32_t *row_ids, int64_t count, pairwise_row_cursor *cursors,
                           const uint32_t *counts, int64_t blocks, int64_t block, const double *weights, double *sums);
void pairwise_block_dots_4(pairwise_rows rows, const int32_t *row_ids, int64_t count, pairwise_row_cursor *cursors,
                           const uint32_t *counts, int64_t blocks, int64_t block, const double *weights, double *sums);
void pairwise_block_dots_2(pairwise_rows rows, const int32_t *row_ids, int64_t count, pairwise_row_cursor *cursors,
                           const uint32_t *counts, int64_t blocks, int64_t block, const double *weights, double *sums);

/* One block of features of many pairs, in order: for pair u below `pairs` (rows
   row_ids[2u] and row_ids[2u + 1], from cursors[2u] and cursors[2u + 1]),
   target[8 * j + l] += scales[8u + l] * value for each entry (j, value) of its first row
   in block `block`, then −scales[8u + l] * value for its second's, each in row order. */
void pairwise_block_add_scaled_8(pairwise_rows rows, const int32_t *row_ids, int64_t pairs, pairwise_row_cursor *cursors,
                                 const uint32_t *counts, int64_t blocks, int64_t block, const double *scales, double *target);
void pairwise_block_add_scaled_4(pairwise_rows rows, const int32_t *row_ids, int64_t pairs, pairwise_row_cursor *cursors,
                                 const uint32_t *counts, int64_t blocks, int64_t block, const double *scales, double *target);
void pairwise_block_add_scaled_2(pairwise_rows rows, const int32_t *row_ids, int64_t pairs, pairwise_row_cursor *cursors,
                                 const uint32_t *counts, int64_t blocks, int64_t block, const double *scales, double *target);

#endif
