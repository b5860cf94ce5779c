#pragma once
// Whether this test binary runs instrumented (ASan/UBSan: GCC defines
// __SANITIZE_ADDRESS__, clang answers __has_feature) or unoptimized: timings are
// only asserted, and long simulations only run in full, in optimized builds.
#if defined(__SANITIZE_ADDRESS__)
#define HERALD_STATS_INSTRUMENTED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define HERALD_STATS_INSTRUMENTED 1
#endif
#endif
#if !defined(HERALD_STATS_INSTRUMENTED) && !defined(__OPTIMIZE__)
#define HERALD_STATS_INSTRUMENTED 1
#endif
#if !defined(HERALD_STATS_INSTRUMENTED)
#define HERALD_STATS_INSTRUMENTED 0
#endif

namespace herald::stats::testing {
inline constexpr bool kOptimizedBuild = HERALD_STATS_INSTRUMENTED == 0;
}
