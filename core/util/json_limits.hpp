#pragma once
// Limits on JSON read from outside (HTTP bodies, import lines): one constant
// so every reader refuses the same inputs.

namespace herald {

// Deepest nesting of arrays and objects accepted in untrusted JSON. Real
// bodies nest a few levels; a deeper document is refused before it is built,
// so a hostile "[[[[..." cannot exhaust the stack.
inline constexpr int kMaxJsonDepth = 64;

}  // namespace herald
