/*
 * Proves that herald/abi.h is pure C (this file is compiled as C11 with
 * -Wall -Wextra -Werror -pedantic) and that C and C++ compilers lay its
 * structs out identically, with `struct_size` first and the ABI 1.0, 1.1 and 1.2 offsets
 * unchanged. Run by ctest as sdk.abi_layout.
 */
#include <herald/abi.h>
#include <stdint.h>
#include <stdio.h>

#include "abi_fields.h"

/* Defined by abi_layout_cxx.cpp, in the order of the X-macro lists. */
extern const size_t herald_cxx_offsets[];
extern const size_t herald_cxx_sizes[];

static int failures = 0;

static void check(const char* what, size_t c, size_t cxx, size_t lp64) {
  if (c != cxx) {
    printf("FAIL %s: C says %zu, C++ says %zu\n", what, c, cxx);
    ++failures;
  }
#if UINTPTR_MAX == 0xFFFFFFFFFFFFFFFFu
  if (c != lp64) {
    printf("FAIL %s is %zu, ABI 1.2 has %zu: an ABI break (fields may only be appended)\n", what, c,
           lp64);
    ++failures;
  }
#else
  (void)lp64;
#endif
}

int main(void) {
  size_t i = 0;
#define CHECK_FIELD(type, field, lp64) \
  check("offsetof(" #type ", " #field ")", offsetof(type, field), herald_cxx_offsets[i++], lp64);
  HERALD_ABI_FIELDS(CHECK_FIELD)
#undef CHECK_FIELD
  i = 0;
#define CHECK_SIZE(type, lp64) \
  check("sizeof(" #type ")", sizeof(type), herald_cxx_sizes[i++], lp64);
  HERALD_ABI_STRUCTS(CHECK_SIZE)
#undef CHECK_SIZE
  if (HERALD_ABI_MAJOR != 1) {
    printf("FAIL HERALD_ABI_MAJOR is %d; update this test with the new layout\n", HERALD_ABI_MAJOR);
    ++failures;
  }
  if (failures == 0) printf("abi layout: all fields where ABI 1.0, 1.1 and 1.2 put them\n");
  return failures == 0 ? 0 : 1;
}
