#include "helper.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

enum { IDLE, POSTED, DONE };

/* state, fn and arg change only under lock; each side sleeps on its own
 * condition until the other moves state on. */
static struct {
    pthread_mutex_t lock;
    pthread_cond_t posted;      /* state became POSTED: for the helper */
    pthread_cond_t done;        /* state became DONE: for the caller */
    int state;
    bool started, busy;         /* the caller's side only */
    void (*fn)(void *);
    void *arg;
} helper = {.lock = PTHREAD_MUTEX_INITIALIZER,
            .posted = PTHREAD_COND_INITIALIZER,
            .done = PTHREAD_COND_INITIALIZER};

static void *helper_main(void *unused)
{
    (void)unused;
    for (;;) {
        pthread_mutex_lock(&helper.lock);
        while (helper.state != POSTED)
            pthread_cond_wait(&helper.posted, &helper.lock);
        void (*fn)(void *) = helper.fn;
        void *arg = helper.arg;
        pthread_mutex_unlock(&helper.lock);

        fn(arg);

        pthread_mutex_lock(&helper.lock);
        helper.state = DONE;
        pthread_cond_signal(&helper.done);
        pthread_mutex_unlock(&helper.lock);
    }
    return NULL;
}

/* A forked child has no helper (only the forking thread goes on in it). */
static void forget_helper(void)
{
    pthread_mutex_init(&helper.lock, NULL);
    pthread_cond_init(&helper.posted, NULL);
    pthread_cond_init(&helper.done, NULL);
    helper.state = IDLE;
    helper.started = helper.busy = false;
}

static bool start_thread(void)
{
    static bool failed, registered;
    failed = failed || sysconf(_SC_NPROCESSORS_ONLN) < 2;
    if (!failed && !registered)
        registered = pthread_atfork(NULL, NULL, forget_helper) == 0;
    if (failed || !registered) {
        failed = true;
        return false;
    }
    pthread_attr_t attr;
    pthread_t thread;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    /* It takes no signals (it inherits this mask): the board's handlers
     * expect them on the main thread. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    helper.started = pthread_create(&thread, &attr, helper_main, NULL) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&attr);
    failed = !helper.started;
    return helper.started;
}

bool helper_start(void (*fn)(void *arg), void *arg, bool more_soon)
{
    (void)more_soon;            /* the helper sleeps between jobs regardless */
    if (helper.busy || (!helper.started && !start_thread()))
        return false;
    pthread_mutex_lock(&helper.lock);
    helper.fn = fn;
    helper.arg = arg;
    helper.state = POSTED;
    pthread_cond_signal(&helper.posted);
    pthread_mutex_unlock(&helper.lock);
    helper.busy = true;
    return true;
}

void helper_wait(void)
{
    if (!helper.busy)
        return;
    pthread_mutex_lock(&helper.lock);
    while (helper.state != DONE)
        pthread_cond_wait(&helper.done, &helper.lock);
    helper.state = IDLE;
    pthread_mutex_unlock(&helper.lock);
    helper.busy = false;
}
