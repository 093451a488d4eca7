/* A second thread for work that splits in two (loading, rendering a
 * listing): one helper per process, started on first use and kept, that
 * runs one job at a time while the caller goes on with its own share.
 *
 * Hand-offs spin briefly before sleeping, as OpenMP runtimes do: on a
 * virtual machine an idle CPU may take a millisecond or more to wake, as
 * long as the work handed over. */
#ifndef DB_HELPER_H
#define DB_HELPER_H

#include <stdbool.h>

/* Starts fn(arg) on the helper. False when there is none to be had (one
 * CPU, a job already running, no thread could start): do the work yourself.
 * more_soon: another job follows within milliseconds, so the helper stays
 * awake (spinning) after this one; else it sleeps at once and leaves the
 * CPU to others (threads waiting on the disk, say). */
bool helper_start(void (*fn)(void *arg), void *arg, bool more_soon);
/* Waits for the job helper_start started. */
void helper_wait(void);

#endif
