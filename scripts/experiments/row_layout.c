// Dev experiment (not part of the build): one margins pass of the fits (8 lanes of double,
// every row's dot product with the weights, rows read two at a time) over the real rows of a
// feature cache file (`PROJECT.features`, format 2), in four layouts; prints the median of
// 9 timings of each on 1 and 2 threads, and one row's sum (equal where the layout keeps the
// bits):
//   A   `SparseRows` with a cursor per row and blocks of features, each entry's index
//       compared with the block's end (LockstepFits before counted reading);
//   A'  the same read by per-(row, block) counts (LockstepFits now);
//   B-gap  the same 16-bit codes regrouped by chunk of 2,048 rows, then block, then row;
//   B   regrouped so, each entry a 16-bit index inside its block and an 8-bit palette
//       place (3 bytes, no escapes; here the escaped entries' values are not kept, so its
//       sum differs: a timing only).
//   clang -O2 -march=native -o /tmp/row_layout scripts/experiments/row_layout.c -lpthread
//   /tmp/row_layout PROJECT.features [A_BLOCKS=4] [B_BLOCKS=16]
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <pthread.h>
#pragma clang fp contract(off)
typedef double lanes8 __attribute__((ext_vector_type(8), aligned(8)));
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }

// per-row layout
static uint16_t *codes; static int64_t *entryStart; static float *palette; static int64_t *paletteStart;
static int32_t *escIdx; static float *escVal; static int64_t *escStart; static int64_t rows;
static int D = (1 << 18) + 7;

typedef struct { int64_t k, e, index; } walk;
typedef struct { int64_t last; const float *pal; } rowp;
static inline __attribute__((always_inline)) int stepp(rowp rp, walk *w, int64_t end, int64_t *index, double *value) {
    if (w->k >= rp.last) return 0;
    uint16_t code = codes[w->k]; int64_t next;
    if ((code & 15) == 15) { next = escIdx[w->e]; if (next >= end) return 0; *value = escVal[w->e]; w->e++; }
    else { next = w->index + (code >> 4); if (next >= end) return 0; *value = rp.pal[code & 15]; }
    w->index = next; w->k++; *index = next; return 1;
}
static inline __attribute__((always_inline)) int step(int64_t r, walk *w, int64_t end, int64_t *index, double *value) {
    return stepp((rowp){entryStart[r + 1], palette + paletteStart[r]}, w, end, index, value);
}

static lanes8 *W; static lanes8 *sums;
static int NB_A = 4;

static void pass_a(int64_t pairFrom, int64_t pairTo) {
    int64_t chunk = 1024; int64_t bw = (D + NB_A - 1) / NB_A;
    walk cur[2048];
    for (int64_t c = pairFrom; c < pairTo; c += chunk) {
        int64_t n = (c + chunk < pairTo ? chunk : pairTo - c);
        for (int64_t o = 0; o < 2 * n; o++) { int64_t r = 2 * c + o; cur[o] = (walk){entryStart[r], escStart[r], -1}; sums[r] = (lanes8){0}; }
        for (int b = 0; b < NB_A; b++) {
            int64_t end = (b + 1) * bw;
            for (int64_t o = 0; o < 2 * n; o += 2) {
                int64_t r1 = 2 * c + o, r2 = r1 + 1, i1, i2; double v1, v2;
                lanes8 s1 = sums[r1], s2 = sums[r2];
                rowp p1 = {entryStart[r1 + 1], palette + paletteStart[r1]}, p2 = {entryStart[r2 + 1], palette + paletteStart[r2]};
                walk w1 = cur[o], w2 = cur[o + 1];
                int m1 = stepp(p1, &w1, end, &i1, &v1), m2 = stepp(p2, &w2, end, &i2, &v2);
                while (m1 && m2) { s1 = s1 + W[i1] * v1; s2 = s2 + W[i2] * v2; m1 = stepp(p1, &w1, end, &i1, &v1); m2 = stepp(p2, &w2, end, &i2, &v2); }
                while (m1) { s1 = s1 + W[i1] * v1; m1 = stepp(p1, &w1, end, &i1, &v1); }
                while (m2) { s2 = s2 + W[i2] * v2; m2 = stepp(p2, &w2, end, &i2, &v2); }
                cur[o] = w1; cur[o + 1] = w2;
                sums[r1] = s1; sums[r2] = s2;
            }
        }
    }
}

static uint16_t *acount; // acount[r*NB_A+b]
static void build_a2(void) {
    int64_t bw = (D + NB_A - 1) / NB_A; acount = calloc(rows * NB_A, 2);
    for (int64_t r = 0; r < rows; r++) { walk w = {entryStart[r], escStart[r], -1};
        for (int b = 0; b < NB_A; b++) { int64_t i; double v; int n = 0; while (step(r, &w, (b + 1) * bw, &i, &v)) n++; acount[r * NB_A + b] = n; } }
}
static inline __attribute__((always_inline)) double val(const float *pal, uint16_t code, walk *w, int64_t *index) {
    if ((code & 15) == 15) { *index = escIdx[w->e]; return escVal[w->e++]; }
    *index += code >> 4; return pal[code & 15];
}
static void pass_a2(int64_t pairFrom, int64_t pairTo) {
    int64_t chunk = 1024;
    walk cur[2048];
    for (int64_t c = pairFrom; c < pairTo; c += chunk) {
        int64_t n = (c + chunk < pairTo ? chunk : pairTo - c);
        for (int64_t o = 0; o < 2 * n; o++) { int64_t r = 2 * c + o; cur[o] = (walk){entryStart[r], escStart[r], -1}; sums[r] = (lanes8){0}; }
        for (int b = 0; b < NB_A; b++) {
            for (int64_t o = 0; o < 2 * n; o += 2) {
                int64_t r1 = 2 * c + o, r2 = r1 + 1;
                const float *p1 = palette + paletteStart[r1], *p2 = palette + paletteStart[r2];
                walk w1 = cur[o], w2 = cur[o + 1];
                int n1 = acount[r1 * NB_A + b], n2 = acount[r2 * NB_A + b], m = n1 < n2 ? n1 : n2;
                const uint16_t *c1 = codes + w1.k, *c2 = codes + w2.k;
                lanes8 s1 = sums[r1], s2 = sums[r2];
                int64_t i1 = w1.index, i2 = w2.index;
                int k = 0;
                for (; k < m; k++) { double v1 = val(p1, c1[k], &w1, &i1), v2 = val(p2, c2[k], &w2, &i2); s1 = s1 + W[i1] * v1; s2 = s2 + W[i2] * v2; }
                for (int j = k; j < n1; j++) { double v1 = val(p1, c1[j], &w1, &i1); s1 = s1 + W[i1] * v1; }
                for (int j = k; j < n2; j++) { double v2 = val(p2, c2[j], &w2, &i2); s2 = s2 + W[i2] * v2; }
                w1.k += n1; w2.k += n2; w1.index = i1; w2.index = i2;
                cur[o] = w1; cur[o + 1] = w2;
                sums[r1] = s1; sums[r2] = s2;
            }
        }
    }
}

// chunk-major block-major layout: for chunk c (2048 rows), block b: rows' segments, each entry u16 local index | value in a u8 place (palette per row)
static int NB_B = 16; static int64_t CH = 2048;
static uint16_t *bidx; static uint8_t *bplace; static uint16_t *bcount; static int64_t *bseg; // bseg[c*NB_B+b] = start offset
static int64_t nchunks;
// A walk at the start of each row of r0 ..< r1 (the caller frees them).
static walk *chunk_walks(int64_t r0, int64_t r1) {
    walk *w = malloc(sizeof(walk) * (r1 - r0));
    for (int64_t r = r0; r < r1; r++) w[r - r0] = (walk){entryStart[r], escStart[r], -1};
    return w;
}
static void build_b(void) {
    int64_t bw = (D + NB_B - 1) / NB_B; nchunks = (rows + CH - 1) / CH;
    int64_t total = entryStart[rows];
    bidx = malloc(total * 2); bplace = malloc(total); bcount = calloc(rows * NB_B, 2); bseg = malloc((nchunks * NB_B + 1) * 8);
    int64_t at = 0;
    for (int64_t c = 0; c < nchunks; c++) {
        int64_t r0 = c * CH, r1 = r0 + CH < rows ? r0 + CH : rows;
        walk *w = chunk_walks(r0, r1);
        for (int b = 0; b < NB_B; b++) {
            bseg[c * NB_B + b] = at;
            int64_t end = (b + 1) * bw;
            for (int64_t r = r0; r < r1; r++) {
                int64_t i; double v; int n = 0;
                while (1) { uint16_t code = w[r-r0].k < entryStart[r+1] ? codes[w[r-r0].k] : 0;
                    if (!step(r, &w[r - r0], end, &i, &v)) break;
                    // An escaped entry's value is not kept (place 0): a timing, not a sum.
                    bidx[at] = (uint16_t)(i - b * bw); bplace[at] = (code & 15) == 15 ? 0 : (code & 15);
                    at++; n++; }
                bcount[r * NB_B + b] = n;
            }
        }
        free(w);
    }
    bseg[nchunks * NB_B] = at;
}
static uint16_t *gcodes; static int32_t *gesc; // gesc[r*NB_B+b] = escape index at segment start
static void build_bg(void) {
    int64_t bw = (D + NB_B - 1) / NB_B; gcodes = malloc(entryStart[rows] * 2); gesc = malloc(rows * NB_B * 4);
    int64_t at = 0;
    for (int64_t c = 0; c < nchunks; c++) {
        int64_t r0 = c * CH, r1 = r0 + CH < rows ? r0 + CH : rows;
        walk *w = chunk_walks(r0, r1);
        for (int b = 0; b < NB_B; b++) {
            for (int64_t r = r0; r < r1; r++) {
                int64_t i; double v; int64_t k0 = w[r - r0].k;
                gesc[r * NB_B + b] = (int32_t)w[r - r0].e;
                int n = 0; while (step(r, &w[r - r0], (b + 1) * bw, &i, &v)) n++;
                for (int j = 0; j < n; j++) gcodes[at + j] = codes[k0 + j];
                // A segment's first gap counts from the row's last index before it (carried by the loop).
                at += n;
            }
        }
        free(w);
    }
}
static void pass_bg(int64_t chunkFrom, int64_t chunkTo) {
    for (int64_t c = chunkFrom; c < chunkTo; c++) {
        int64_t r0 = c * CH, r1 = r0 + CH < rows ? r0 + CH : rows;
        int64_t idx[2048];
        for (int64_t r = r0; r < r1; r++) { sums[r] = (lanes8){0}; idx[r - r0] = -1; }
        for (int b = 0; b < NB_B; b++) {
            int64_t at = bseg[c * NB_B + b];
            for (int64_t r = r0; r < r1; r += 2) {
                const float *p1 = palette + paletteStart[r], *p2 = palette + paletteStart[r + 1];
                int n1 = bcount[r * NB_B + b], n2 = bcount[(r + 1) * NB_B + b], m = n1 < n2 ? n1 : n2;
                const uint16_t *c1 = gcodes + at, *c2 = gcodes + at + n1;
                walk w1 = {0, gesc[r * NB_B + b], 0}, w2 = {0, gesc[(r + 1) * NB_B + b], 0};
                int64_t i1 = idx[r - r0], i2 = idx[r + 1 - r0];
                lanes8 s1 = sums[r], s2 = sums[r + 1];
                int k = 0;
                for (; k < m; k++) { double v1 = val(p1, c1[k], &w1, &i1), v2 = val(p2, c2[k], &w2, &i2); s1 = s1 + W[i1] * v1; s2 = s2 + W[i2] * v2; }
                for (int j = k; j < n1; j++) { double v1 = val(p1, c1[j], &w1, &i1); s1 = s1 + W[i1] * v1; }
                for (int j = k; j < n2; j++) { double v2 = val(p2, c2[j], &w2, &i2); s2 = s2 + W[i2] * v2; }
                idx[r - r0] = i1; idx[r + 1 - r0] = i2;
                sums[r] = s1; sums[r + 1] = s2;
                at += n1 + n2;
            }
        }
    }
}
static void pass_b(int64_t chunkFrom, int64_t chunkTo) {
    int64_t bw = (D + NB_B - 1) / NB_B;
    for (int64_t c = chunkFrom; c < chunkTo; c++) {
        int64_t r0 = c * CH, r1 = r0 + CH < rows ? r0 + CH : rows;
        for (int64_t r = r0; r < r1; r++) sums[r] = (lanes8){0};
        for (int b = 0; b < NB_B; b++) {
            const lanes8 *w = W + b * bw;
            int64_t at = bseg[c * NB_B + b];
            for (int64_t r = r0; r < r1; r += 2) {
                const float *p1 = palette + paletteStart[r], *p2 = palette + paletteStart[r + 1];
                int n1 = bcount[r * NB_B + b], n2 = bcount[(r + 1) * NB_B + b];
                const uint16_t *x1 = bidx + at, *x2 = bidx + at + n1; const uint8_t *q1 = bplace + at, *q2 = bplace + at + n1;
                lanes8 s1 = sums[r], s2 = sums[r + 1];
                int k = 0, m = n1 < n2 ? n1 : n2;
                for (; k < m; k++) { s1 = s1 + w[x1[k]] * (double)p1[q1[k]]; s2 = s2 + w[x2[k]] * (double)p2[q2[k]]; }
                for (int j = k; j < n1; j++) s1 = s1 + w[x1[j]] * (double)p1[q1[j]];
                for (int j = k; j < n2; j++) s2 = s2 + w[x2[j]] * (double)p2[q2[j]];
                sums[r] = s1; sums[r + 1] = s2;
                at += n1 + n2;
            }
        }
    }
}

typedef struct { int which; int64_t from, to; } job;
static void *run(void *a) { job *j = a; if (j->which == 0) pass_a(j->from, j->to); else if (j->which == 2) pass_a2(j->from, j->to); else if (j->which == 3) pass_bg(j->from, j->to); else pass_b(j->from, j->to); return 0; }
static double timed(int which, int threads) {
    pthread_t t[2]; job j[2]; int64_t n = (which == 0 || which == 2) ? rows / 2 : nchunks;
    double s = now();
    for (int i = 0; i < threads; i++) { j[i] = (job){which, n * i / threads, n * (i + 1) / threads}; pthread_create(&t[i], 0, run, &j[i]); }
    for (int i = 0; i < threads; i++) pthread_join(t[i], 0);
    return now() - s;
}

int main(int argc, char **argv) {
    FILE *f = fopen(argv[1], "rb"); fseek(f, 0, SEEK_END); long size = ftell(f); fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc(size); fread(buf, 1, size, f); fclose(f);
    if (argc > 2) NB_A = atoi(argv[2]); if (argc > 3) NB_B = atoi(argv[3]);
    // count rows and sizes
    int64_t nrows = 0, ncodes = 0, npal = 0, nesc = 0; long at = 20;
    while (at < size) { uint32_t rl; memcpy(&rl, buf + at + 48, 4); long p = at + 60, e = p + rl;
        while (p < e) { uint32_t h[3]; memcpy(h, buf + p, 12); ncodes += h[0]; npal += h[1]; nesc += h[2]; nrows++; p += 12 + 2 * h[0] + 4 * h[1] + 8 * h[2]; }
        at = e; }
    rows = nrows; codes = malloc(ncodes * 2); entryStart = malloc((rows + 1) * 8); palette = malloc(npal * 4 + 64); paletteStart = malloc(rows * 8);
    escIdx = malloc(nesc * 4 + 4); escVal = malloc(nesc * 4 + 4); escStart = malloc(rows * 8);
    int64_t r = 0, kc = 0, kp = 0, ke = 0; at = 20;
    while (at < size) { uint32_t rl; memcpy(&rl, buf + at + 48, 4); long p = at + 60, e = p + rl;
        while (p < e) { uint32_t h[3]; memcpy(h, buf + p, 12); p += 12;
            entryStart[r] = kc; paletteStart[r] = kp; escStart[r] = ke;
            memcpy(codes + kc, buf + p, 2 * h[0]); p += 2 * h[0]; kc += h[0];
            memcpy(palette + kp, buf + p, 4 * h[1]); p += 4 * h[1]; kp += h[1];
            memcpy(escIdx + ke, buf + p, 4 * h[2]); p += 4 * h[2]; memcpy(escVal + ke, buf + p, 4 * h[2]); p += 4 * h[2]; ke += h[2];
            r++; }
        at = e; }
    entryStart[rows] = kc; free(buf);
    printf("rows %lld entries %lld escaped %lld\n", (long long)rows, (long long)kc, (long long)ke);
    W = aligned_alloc(64, sizeof(lanes8) * D); for (int i = 0; i < D; i++) W[i] = (lanes8){1e-3 * (i % 7), 2e-3, 0, 0, 0, 0, 0, 0};
    sums = aligned_alloc(64, sizeof(lanes8) * rows);
    build_b(); build_a2(); build_bg();
    double T[8][9];
    for (int rep = 0; rep < 9; rep++) {
        double a1 = timed(0, 1); lanes8 sa = sums[12345];
        double c1 = timed(2, 1); lanes8 sc = sums[12345];
        double b1 = timed(1, 1); lanes8 sb = sums[12345];
        double g1 = timed(3, 1); lanes8 sg = sums[12345];
        double a2 = timed(0, 2), c2 = timed(2, 2), b2 = timed(1, 2), g2 = timed(3, 2);
        T[6][rep] = g1; T[7][rep] = g2;
        T[0][rep] = a1; T[1][rep] = a2; T[2][rep] = c1; T[3][rep] = c2; T[4][rep] = b1; T[5][rep] = b2;
        if (rep < 8) continue;
        for (int q = 0; q < 8; q++) for (int x = 0; x < 9; x++) for (int y = x + 1; y < 9; y++) if (T[q][y] < T[q][x]) { double t = T[q][x]; T[q][x] = T[q][y]; T[q][y] = t; }
        a1 = T[0][4]; a2 = T[1][4]; c1 = T[2][4]; c2 = T[3][4]; b1 = T[4][4]; b2 = T[5][4]; g1 = T[6][4]; g2 = T[7][4];
        printf("medians of 9: ");
        printf("A (%d blocks, cursors): 1 thread %.3f s, 2 threads %.3f s | A' counted: %.3f s, %.3f s | B (%d blocks, chunk-major): %.3f s, %.3f s | B-gap (same codes, chunk-major): %.3f s, %.3f s [%.17g %.17g %g %.17g]\n", NB_A, a1, a2, c1, c2, NB_B, b1, b2, g1, g2, sa[0], sc[0], sb[0], sg[0]);
    }
    return 0;
}
