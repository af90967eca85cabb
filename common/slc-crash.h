/* Crash points, for the tests of crash recovery: with SLC_CRASH_AT set to
 * "KIND:K" in its environment, the daemon kills itself (SIGKILL, exactly
 * as kill -9) when it reaches the K-th (from 0) crash point of that kind;
 * without it nothing happens.  The engine has "step" points (a step's
 * outcome just persisted, or a new operation's first steps, stored with
 * it, about to be launched), VIM drivers "vim" points (between the actions
 * one call makes on the infrastructure), SDN drivers "sdn" points (a
 * service made or removed on the switch, its caller not told yet), so
 * that a test can crash an
 * operation at every one of them in turn instead of at random times.
 * The engine's "claim" point is a new operation stored and not yet
 * claimed (test-cluster). */
#ifndef SLC_CRASH_H
#define SLC_CRASH_H

/* A crash point of 'kind' ("step", "claim", "vim", "sdn"). */
void slc_crash_point(const char *kind);

#endif
