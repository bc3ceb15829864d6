#include "CBayshJobHandoff.h"

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

// The Swift concurrency runtime's enqueue hook and job entry point (libswift_Concurrency, Swift calling
// convention; every argument here is a pointer or an integer, passed in registers).
typedef void (*__attribute__((swiftcall)) bayshjob_original)(void *job);
typedef void (*__attribute__((swiftcall)) bayshjob_hook)(void *job, bayshjob_original original);
extern bayshjob_hook swift_task_enqueueGlobal_hook;
extern void swift_job_run(void *job, void *executor_identity, uintptr_t executor_implementation)
    __attribute__((swiftcall));

static bayshjob_hook previous_hook;
static pthread_once_t installed = PTHREAD_ONCE_INIT;
static __thread int capturing;
static __thread void *captured;

static void __attribute__((swiftcall)) enqueue_global(void *job, bayshjob_original original) {
    if (capturing && captured == NULL) {
        captured = job;
        return;
    }
    if (previous_hook != NULL) {
        previous_hook(job, original);
    } else {
        original(job);
    }
}

static void install_once(void) {
    previous_hook = swift_task_enqueueGlobal_hook;
    swift_task_enqueueGlobal_hook = enqueue_global;
}

void bayshjob_install(void) { pthread_once(&installed, install_once); }

void bayshjob_begin_capture(void) {
    captured = NULL;
    capturing = 1;
}

void *bayshjob_end_capture(void) {
    capturing = 0;
    void *job = captured;
    captured = NULL;
    return job;
}

// The generic executor is the null executor reference: identity 0, implementation 0.
void bayshjob_run(void *job) { swift_job_run(job, NULL, 0); }
