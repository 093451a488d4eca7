/* A second thread for work that splits in two (loading, rendering a
 * listing): one helper per process, started on first use and kept, that
 * runs one job at a time while the caller goes on with its own share.
 *
 * Neither side ever spins: the helper sleeps on a condition variable until
 * a job is posted, and the caller sleeps on one until the job is done, so
 * an idle helper takes no CPU from others on a shared server. */
#ifndef DB_HELPER_H
#define DB_HELPER_H

#include <stdbool.h>

/* Starts fn(arg) on the helper. False when there is none to be had (one
 * CPU, a job already running, no thread could start): do the work yourself.
 * more_soon (another job follows within milliseconds) is only a hint, and
 * no longer changes anything: the helper always sleeps between jobs. */
bool helper_start(void (*fn)(void *arg), void *arg, bool more_soon);
/* Waits (asleep) for the job helper_start started. */
void helper_wait(void);

#endif
