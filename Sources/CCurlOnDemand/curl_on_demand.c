// The libcurl functions Foundation's URLSession calls, defined in the release baysh so that libcurl and the ~30
// libraries it needs (TLS, Kerberos, LDAP, SSH, IDN...) are loaded when the first HTTP request is made rather than
// by the dynamic loader at every start-up, where they cost about 4 ms of the 20 ms budget.
//
// Each function loads libcurl.so.4 once (dlopen), resolves every function at that moment and forwards the call, so
// the behaviour is libcurl's own. The three variadic functions take exactly one more argument, which libcurl reads
// as a long, a curl_off_t or a pointer: all three travel in one 64-bit integer register on LP64 targets, so it is
// forwarded as one. Only the release build defines these (BAYSH_CURL_ON_DEMAND); the debug build gets libcurl
// through the shared FoundationNetworking as before.
#include "CCurlOnDemand.h"

#if defined(BAYSH_CURL_ON_DEMAND)

#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

_Static_assert(sizeof(void *) == 8 && sizeof(long) == 8 && sizeof(long long) == 8,
    "forwarding curl's variadic argument as one pointer needs an LP64 target");

// libcurl's types stay opaque: only their sizes in calls matter, and leaving out curl.h keeps the build free of
// libcurl's development files.
typedef int curl_code;
typedef void curl_handle;

static struct {
    curl_code (*global_init)(long);
    curl_handle *(*easy_init)(void);
    void (*easy_cleanup)(curl_handle *);
    curl_code (*easy_getinfo)(curl_handle *, int, ...);
    curl_code (*easy_pause)(curl_handle *, int);
    curl_code (*easy_setopt)(curl_handle *, int, ...);
    const char *(*easy_strerror)(curl_code);
    void (*free)(void *);
    curl_code (*multi_add_handle)(curl_handle *, curl_handle *);
    curl_code (*multi_assign)(curl_handle *, int, void *);
    curl_code (*multi_cleanup)(curl_handle *);
    void *(*multi_info_read)(curl_handle *, int *);
    curl_handle *(*multi_init)(void);
    curl_code (*multi_remove_handle)(curl_handle *, curl_handle *);
    curl_code (*multi_setopt)(curl_handle *, int, ...);
    curl_code (*multi_socket_action)(curl_handle *, int, int, int *);
    void *(*slist_append)(void *, const char *);
    void (*slist_free_all)(void *);
    curl_handle *(*url)(void);
    curl_code (*url_get)(const curl_handle *, int, char **, unsigned int);
    curl_code (*url_set)(curl_handle *, int, const char *, unsigned int);
    char *(*version)(void);
    void *(*version_info)(int);
} curl;

static pthread_once_t curl_loaded = PTHREAD_ONCE_INIT;

static void *resolve(void *library, const char *name) {
    void *function = dlsym(library, name);
    if (function == NULL) {
        fprintf(stderr, "baysh: libcurl.so.4 has no %s (%s); HTTP needs libcurl 7.62 or later\n", name, dlerror());
        _exit(1);
    }
    return function;
}

// Without libcurl no HTTP call can be made, and URLSession cannot report that as an error: say what is missing and
// stop instead of letting Foundation trap on a null handle.
static void load_curl(void) {
    void *library = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        fprintf(stderr, "baysh: cannot load libcurl.so.4 for HTTP (%s); install libcurl (Debian: apt-get install "
                        "libcurl4)\n", dlerror());
        _exit(1);
    }
    *(void **)&curl.global_init = resolve(library, "curl_global_init");
    *(void **)&curl.easy_init = resolve(library, "curl_easy_init");
    *(void **)&curl.easy_cleanup = resolve(library, "curl_easy_cleanup");
    *(void **)&curl.easy_getinfo = resolve(library, "curl_easy_getinfo");
    *(void **)&curl.easy_pause = resolve(library, "curl_easy_pause");
    *(void **)&curl.easy_setopt = resolve(library, "curl_easy_setopt");
    *(void **)&curl.easy_strerror = resolve(library, "curl_easy_strerror");
    *(void **)&curl.free = resolve(library, "curl_free");
    *(void **)&curl.multi_add_handle = resolve(library, "curl_multi_add_handle");
    *(void **)&curl.multi_assign = resolve(library, "curl_multi_assign");
    *(void **)&curl.multi_cleanup = resolve(library, "curl_multi_cleanup");
    *(void **)&curl.multi_info_read = resolve(library, "curl_multi_info_read");
    *(void **)&curl.multi_init = resolve(library, "curl_multi_init");
    *(void **)&curl.multi_remove_handle = resolve(library, "curl_multi_remove_handle");
    *(void **)&curl.multi_setopt = resolve(library, "curl_multi_setopt");
    *(void **)&curl.multi_socket_action = resolve(library, "curl_multi_socket_action");
    *(void **)&curl.slist_append = resolve(library, "curl_slist_append");
    *(void **)&curl.slist_free_all = resolve(library, "curl_slist_free_all");
    *(void **)&curl.url = resolve(library, "curl_url");
    *(void **)&curl.url_get = resolve(library, "curl_url_get");
    *(void **)&curl.url_set = resolve(library, "curl_url_set");
    *(void **)&curl.version = resolve(library, "curl_version");
    *(void **)&curl.version_info = resolve(library, "curl_version_info");
}

#define CURL_READY() pthread_once(&curl_loaded, load_curl)

curl_code curl_global_init(long flags) { CURL_READY(); return curl.global_init(flags); }
curl_handle *curl_easy_init(void) { CURL_READY(); return curl.easy_init(); }
void curl_easy_cleanup(curl_handle *handle) { CURL_READY(); curl.easy_cleanup(handle); }
curl_code curl_easy_pause(curl_handle *handle, int mask) { CURL_READY(); return curl.easy_pause(handle, mask); }
const char *curl_easy_strerror(curl_code code) { CURL_READY(); return curl.easy_strerror(code); }
void curl_free(void *pointer) { CURL_READY(); curl.free(pointer); }
curl_code curl_multi_add_handle(curl_handle *multi, curl_handle *easy) {
    CURL_READY();
    return curl.multi_add_handle(multi, easy);
}
curl_code curl_multi_assign(curl_handle *multi, int socket, void *pointer) {
    CURL_READY();
    return curl.multi_assign(multi, socket, pointer);
}
curl_code curl_multi_cleanup(curl_handle *multi) { CURL_READY(); return curl.multi_cleanup(multi); }
void *curl_multi_info_read(curl_handle *multi, int *left) { CURL_READY(); return curl.multi_info_read(multi, left); }
curl_handle *curl_multi_init(void) { CURL_READY(); return curl.multi_init(); }
curl_code curl_multi_remove_handle(curl_handle *multi, curl_handle *easy) {
    CURL_READY();
    return curl.multi_remove_handle(multi, easy);
}
curl_code curl_multi_socket_action(curl_handle *multi, int socket, int events, int *running) {
    CURL_READY();
    return curl.multi_socket_action(multi, socket, events, running);
}
void *curl_slist_append(void *list, const char *text) { CURL_READY(); return curl.slist_append(list, text); }
void curl_slist_free_all(void *list) { CURL_READY(); curl.slist_free_all(list); }
curl_handle *curl_url(void) { CURL_READY(); return curl.url(); }
curl_code curl_url_get(const curl_handle *url, int part, char **text, unsigned int flags) {
    CURL_READY();
    return curl.url_get(url, part, text, flags);
}
curl_code curl_url_set(curl_handle *url, int part, const char *text, unsigned int flags) {
    CURL_READY();
    return curl.url_set(url, part, text, flags);
}
char *curl_version(void) { CURL_READY(); return curl.version(); }
void *curl_version_info(int age) { CURL_READY(); return curl.version_info(age); }

// The one argument after the option: a long, a curl_off_t, a pointer or a function pointer (see the top).
#define FORWARD_ONE(call, handle, option)                                                                          \
    va_list arguments;                                                                                            \
    va_start(arguments, option);                                                                                  \
    void *argument = va_arg(arguments, void *);                                                                   \
    va_end(arguments);                                                                                            \
    CURL_READY();                                                                                                 \
    return call(handle, option, argument)

curl_code curl_easy_setopt(curl_handle *handle, int option, ...) { FORWARD_ONE(curl.easy_setopt, handle, option); }
curl_code curl_easy_getinfo(curl_handle *handle, int info, ...) { FORWARD_ONE(curl.easy_getinfo, handle, info); }
curl_code curl_multi_setopt(curl_handle *multi, int option, ...) { FORWARD_ONE(curl.multi_setopt, multi, option); }

#endif
