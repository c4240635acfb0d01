/* ncursesw for Swift: wide-character API on, and functions for the macros Swift cannot import. */
#ifndef CNCURSESW_SHIM_H
#define CNCURSESW_SHIM_H
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif
#define _XOPEN_SOURCE_EXTENDED 1
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <wchar.h>
#include <stdlib.h>
#include <ncursesw/curses.h>

static inline WINDOW *cn_stdscr(void) { return stdscr; }
static inline int cn_color_pair(int n) { return (int)COLOR_PAIR(n); }
static inline int cn_attr_bold(void) { return (int)A_BOLD; }
static inline int cn_attr_dim(void) { return (int)A_DIM; }
static inline int cn_attr_reverse(void) { return (int)A_REVERSE; }
static inline int cn_attr_underline(void) { return (int)A_UNDERLINE; }
static inline int cn_attr_normal(void) { return (int)A_NORMAL; }
static inline int cn_lines(void) { return LINES; }
static inline int cn_cols(void) { return COLS; }
static inline int cn_has_colors(void) { return has_colors() ? 1 : 0; }
static inline int cn_colors(void) { return COLORS; }
/* Mouse: clicks and the wheel, reported at once (no click interval). */
static inline void cn_enable_mouse(void) {
    mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
    mouseinterval(0);
}
/* After KEY_MOUSE: 1 with the cell and the kind (1 click, 4 wheel up, 5 wheel down, 0 other), else 0. */
static inline int cn_read_mouse(int *row, int *column, int *kind) {
    MEVENT event;
    if (getmouse(&event) != OK) return 0;
    *row = event.y;
    *column = event.x;
    if (event.bstate & BUTTON4_PRESSED) *kind = 4;
    else if (event.bstate & BUTTON5_PRESSED) *kind = 5;
    else if (event.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED)) *kind = 1;
    else *kind = 0;
    return 1;
}
/* Switches the locale to the environment's, falling back to C.UTF-8 so wide characters work. */
static inline void cn_set_locale(void) {
    if (!setlocale(LC_ALL, "") || MB_CUR_MAX == 1) setlocale(LC_ALL, "C.UTF-8");
}
/* The cell width of a character per the C library (needs a UTF-8 LC_CTYPE). */
static inline int cn_wcwidth(unsigned int c) { return wcwidth((wchar_t)c); }
/* Makes LC_CTYPE UTF-8 if it is not already, for cn_wcwidth. */
static inline void cn_ensure_utf8_ctype(void) {
    if (MB_CUR_MAX == 1) setlocale(LC_CTYPE, "C.UTF-8");
}
/* Whether the terminal named by $TERM is known (-1 when terminfo does not know it) and can
   move the cursor (0 when it cannot, as TERM=dumb; 1 when it can): a full-screen program
   needs both. Reads the terminfo entry without starting curses. */
#include <ncursesw/term.h>
static inline int cn_terminal_can_address(void) {
    int error = 0;
    if (setupterm(NULL, 1, &error) != OK) return -1;
    const char *cup = tigetstr("cup");
    int usable = cup != NULL && cup != (const char *)-1;
    del_curterm(cur_term);
    return usable;
}

#endif
