#ifndef BAYSH_CLIBEDIT_SHIM_H
#define BAYSH_CLIBEDIT_SHIM_H
// libedit's el_set/el_get/history are variadic, which Swift cannot call: each use gets a fixed-signature wrapper here.
#include <stdio.h>
#include <histedit.h>

static inline FILE *baysh_stdin(void) { return stdin; }
static inline FILE *baysh_stdout(void) { return stdout; }
static inline FILE *baysh_stderr(void) { return stderr; }

#endif
