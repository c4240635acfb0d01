#include <zlib.h>
/* inflateInit2 is a macro; Swift cannot import it. */
static inline int cz_inflate_init2(z_stream *strm, int window_bits) {
    return inflateInit2(strm, window_bits);
}

#include <stddef.h>
/* The length of the run of blank bytes (space, tab, CR, and LF when newlines is set) at the
   start of p[0..<n], counting the LFs into *newlines_passed. In C so that passing a long run
   of blank space (a decompressed gzip bomb) is fast in every build. */
static inline size_t cz_blank_run(const unsigned char *p, size_t n, int newlines, size_t *newlines_passed) {
    size_t i = 0;
    for (; i < n; i++) {
        unsigned char c = p[i];
        if (c == ' ' || c == '\t' || c == '\r') continue;
        if (c == '\n' && newlines) { (*newlines_passed)++; continue; }
        break;
    }
    return i;
}

/* deflateInit2 is a macro too (the gzip bomb the scale benchmark writes). */
static inline int cz_deflate_init2(z_stream *strm, int level, int window_bits) {
    return deflateInit2(strm, level, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY);
}
