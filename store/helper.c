#include "helper.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

/* How long either side spins for the other before it sleeps. */
#define SPIN_NS (3 * 1000 * 1000)

enum { IDLE, POSTED, DONE };

static struct {
    pthread_mutex_t lock;
    pthread_cond_t changed;     /* state changed: for whoever sleeps on it */
    atomic_int state;
    bool started, busy;         /* the caller's side only */
    void (*fn)(void *);
    void *arg;
    bool linger;                /* spin for the next job */
} helper = {.lock = PTHREAD_MUTEX_INITIALIZER, .changed = PTHREAD_COND_INITIALIZER};

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void set_state(int state)
{
    atomic_store_explicit(&helper.state, state, memory_order_release);
    pthread_mutex_lock(&helper.lock);       /* a sleeper checks under it: no lost wake-up */
    pthread_cond_broadcast(&helper.changed);
    pthread_mutex_unlock(&helper.lock);
}

static void await_state(int state, bool spin)
{
    long long until = now_ns() + (spin ? SPIN_NS : 0);
    for (unsigned n = 1;; n++) {
        if (atomic_load_explicit(&helper.state, memory_order_acquire) == state)
            return;
        if (n % 256 == 0 && now_ns() > until)
            break;
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
    }
    pthread_mutex_lock(&helper.lock);
    while (atomic_load_explicit(&helper.state, memory_order_acquire) != state)
        pthread_cond_wait(&helper.changed, &helper.lock);
    pthread_mutex_unlock(&helper.lock);
}

static void *helper_main(void *unused)
{
    (void)unused;
    bool linger = false;
    for (;;) {
        await_state(POSTED, linger);
        linger = helper.linger;
        helper.fn(helper.arg);
        set_state(DONE);
    }
    return NULL;
}

/* A forked child has no helper (only the forking thread goes on in it). */
static void forget_helper(void)
{
    pthread_mutex_init(&helper.lock, NULL);
    pthread_cond_init(&helper.changed, NULL);
    atomic_store(&helper.state, IDLE);
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
    if (helper.busy || (!helper.started && !start_thread()))
        return false;
    helper.fn = fn;
    helper.arg = arg;
    helper.linger = more_soon;
    helper.busy = true;
    set_state(POSTED);
    return true;
}

void helper_wait(void)
{
    if (!helper.busy)
        return;
    await_state(DONE, true);
    atomic_store_explicit(&helper.state, IDLE, memory_order_relaxed);
    helper.busy = false;
}
