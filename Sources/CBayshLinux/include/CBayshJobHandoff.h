// Lets the thread that reads an MCP server's answers run the task waiting for it, instead of waking a thread of
// Swift's concurrency pool to do so. See ResponseRouter's use of it for why and when.
#ifndef CBAYSHJOBHANDOFF_H
#define CBAYSHJOBHANDOFF_H

/// Installs the hook on Swift's global enqueue once (later calls do nothing). Any hook installed before keeps
/// receiving every job this one does not keep.
void bayshjob_install(void);

/// From now until bayshjob_end_capture on this thread, the first job enqueued on the global executor from this
/// thread is kept instead of being enqueued.
void bayshjob_begin_capture(void);

/// Stops capturing on this thread and returns the job kept, or NULL. The caller must run it (bayshjob_run).
void *bayshjob_end_capture(void);

/// Runs `job` on this thread on the generic executor, as a thread of the global pool would.
void bayshjob_run(void *job);

#endif
