#define _XOPEN_SOURCE 700
#define _XOPEN_SOURCE_EXTENDED 1
#define NCURSES_WIDECHAR 1
#include "terminal_restore.h"
#include <ncursesw/curses.h>
#include <ncursesw/term.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static struct termios saved_modes;
static int saved_modes_valid = 0;
static char restore_sequence[256];
static size_t restore_length = 0;

void tr_save_terminal_modes(void) {
    saved_modes_valid = tcgetattr(STDIN_FILENO, &saved_modes) == 0;
}

static void append_capability(const char *name) {
    const char *s = tigetstr((char *)name);
    if (s == NULL || s == (const char *)-1) return;
    size_t n = strlen(s);
    if (restore_length + n >= sizeof restore_sequence) return;
    memcpy(restore_sequence + restore_length, s, n);
    restore_length += n;
}

void tr_remember_restore_sequence(void) {
    restore_length = 0;
    append_capability("sgr0");
    append_capability("cnorm");
    append_capability("rmkx");
    append_capability("rmcup");
}

static void restore_and_exit(int signal_number) {
    if (restore_length > 0) {
        ssize_t ignored = write(STDOUT_FILENO, restore_sequence, restore_length);
        (void)ignored;
    }
    if (saved_modes_valid) tcsetattr(STDIN_FILENO, TCSANOW, &saved_modes);
    _exit(128 + signal_number);
}

static volatile sig_atomic_t hangup_seen = 0;

/* The terminal is gone: nothing to restore on it. The blocked read returns and the session
   ends through its own code, which lets go of what it holds. */
static void note_hangup(int signal_number) {
    (void)signal_number;
    hangup_seen = 1;
}

int tr_hangup_seen(void) { return hangup_seen; }

static volatile sig_atomic_t termination_signal = 0;

/* Asked to stop (SIGTERM): the session ends through its own code, as on a hang-up, and
   restores the terminal on the way out; a second SIGTERM does not wait for it. */
static void note_termination(int signal_number) {
    if (termination_signal != 0) restore_and_exit(signal_number);
    termination_signal = signal_number;
}

int tr_termination_signal(void) { return termination_signal; }

void tr_restore_terminal_on_signals(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    sigemptyset(&action.sa_mask);
    action.sa_handler = note_hangup;  /* no SA_RESTART: the read is interrupted */
    sigaction(SIGHUP, &action, NULL);
    action.sa_handler = note_termination;
    sigaction(SIGTERM, &action, NULL);
    action.sa_handler = restore_and_exit;
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGQUIT, &action, NULL);
}
