#include <zlib.h>
/* inflateInit2 is a macro; Swift cannot import it. */
static inline int cz_inflate_init2(z_stream *strm, int window_bits) {
    return inflateInit2(strm, window_bits);
}
