// libFuzzer's driver, for an executable whose main SwiftPM has already claimed. Only the fuzzer build
// (-sanitize=fuzzer, -DBAYSH_LIBFUZZER) calls it; libFuzzer itself provides the definition.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
