#ifndef BAYSH_CLIBEDIT_SHIM_H
#define BAYSH_CLIBEDIT_SHIM_H
// libedit's el_set/el_get/history are variadic, which Swift cannot call: each use gets a fixed-signature wrapper here.
#include <stdio.h>
#include <wchar.h>
#include <histedit.h>

static inline FILE *baysh_stdin(void) { return stdin; }
static inline FILE *baysh_stdout(void) { return stdout; }
static inline FILE *baysh_stderr(void) { return stderr; }

typedef char *(*baysh_prompt_fn)(EditLine *);
typedef unsigned char (*baysh_key_fn)(EditLine *, int);
typedef int (*baysh_getc_fn)(EditLine *, wchar_t *);

// EL_PROMPT_ESC: the prompt may carry terminal escapes between two `ignore` characters (they take no columns).
static inline int baysh_el_set_prompt(EditLine *el, baysh_prompt_fn fn, char ignore) {
    return el_set(el, EL_PROMPT_ESC, fn, ignore);
}
static inline int baysh_el_set_editor(EditLine *el, const char *mode) { return el_set(el, EL_EDITOR, mode); }
static inline int baysh_el_set_signal(EditLine *el, int on) { return el_set(el, EL_SIGNAL, on); }
static inline int baysh_el_set_clientdata(EditLine *el, void *data) { return el_set(el, EL_CLIENTDATA, data); }
static inline void *baysh_el_get_clientdata(EditLine *el) {
    void *data = NULL;
    el_get(el, EL_CLIENTDATA, &data);
    return data;
}
static inline int baysh_el_add_function(EditLine *el, const char *name, const char *help, baysh_key_fn fn) {
    return el_set(el, EL_ADDFN, name, help, fn);
}
static inline int baysh_el_bind(EditLine *el, const char *key, const char *function) {
    return el_set(el, EL_BIND, key, function, NULL);
}
static inline int baysh_el_set_getc(EditLine *el, baysh_getc_fn fn) { return el_set(el, EL_GETCFN, fn); }
static inline int baysh_el_set_history(EditLine *el, History *list) {
    return el_set(el, EL_HIST, history, list);
}
static inline int baysh_el_refresh(EditLine *el) { return el_set(el, EL_REFRESH); }
// EL_PREP_TERM: switch the terminal to edit (raw) mode now. el_gets prints its prompt before it switches, so keys
// typed in between would otherwise meet a cooked terminal (echoed twice, and a Ctrl-D turned into a NUL byte).
static inline int baysh_el_prepare_terminal(EditLine *el, int edit) { return el_set(el, EL_PREP_TERM, edit); }
// `setty -d -isig`: in edit mode Ctrl-C arrives as a key (bound to a function) instead of raising SIGINT.
static inline int baysh_el_edit_mode_without_isig(EditLine *el) {
    return el_set(el, EL_SETTY, "-d", "-isig", NULL);
}

static inline int baysh_history_set_size(History *h, int size) {
    HistEvent event;
    return history(h, &event, H_SETSIZE, size);
}
static inline int baysh_history_enter(History *h, const char *line) {
    HistEvent event;
    return history(h, &event, H_ENTER, line);
}
static inline int baysh_history_clear(History *h) {
    HistEvent event;
    return history(h, &event, H_CLEAR);
}
static inline int baysh_history_set_unique(History *h, int unique) {
    HistEvent event;
    return history(h, &event, H_SETUNIQUE, unique);
}

#endif
