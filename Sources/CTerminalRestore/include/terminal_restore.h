/* Restoring the terminal when a signal ends a full-screen session (hang-up, kill, Ctrl-\):
   the handler may only make async-signal-safe calls, so what it needs is prepared first. */
#ifndef TERMINAL_RESTORE_H
#define TERMINAL_RESTORE_H

/* Saves the terminal's modes; call before curses starts. */
void tr_save_terminal_modes(void);

/* Copies the terminal's strings that reset attributes, show the cursor, leave keypad mode
   and leave the alternate screen; call once curses knows the terminal. */
void tr_remember_restore_sequence(void);

/* On SIGTERM, SIGINT and SIGQUIT: write those strings, restore the saved modes, and exit
   with 128 + the signal's number. On SIGHUP (the terminal is gone, as when an SSH connection
   drops): note it, and let the session end itself (tr_hangup_seen). */
void tr_restore_terminal_on_signals(void);

/* Whether SIGHUP has arrived. */
int tr_hangup_seen(void);

/* The SIGTERM received, if any (0: none): the session ends itself as on a hang-up, its
   terminal restored; a second one exits at once. */
int tr_termination_signal(void);

#endif
