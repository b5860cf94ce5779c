// The C++ half of sdk.abi_layout: the same offsets and sizes as a C++
// compiler sees them.
#include <herald/abi.h>

#include <cstddef>

#include "abi_fields.h"

extern "C" {
#define OFFSET(type, field, lp64) offsetof(type, field),
extern const size_t herald_cxx_offsets[] = {HERALD_ABI_FIELDS(OFFSET)};
#undef OFFSET
#define SIZE(type, lp64) sizeof(type),
extern const size_t herald_cxx_sizes[] = {HERALD_ABI_STRUCTS(SIZE)};
#undef SIZE
}
