#pragma once
// The Boost.Math distributions the statistics use, with one policy: doubles are
// computed as doubles (no promotion to long double: the accuracy needed here is
// far from the last bits, and the Beta quadrature evaluates CDFs thousands of
// times per decision), and a domain error throws (an argument check missed it).
#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>

namespace herald::stats {

using MathPolicy = boost::math::policies::policy<boost::math::policies::promote_double<false>>;
using Normal = boost::math::normal_distribution<double, MathPolicy>;
using StudentsT = boost::math::students_t_distribution<double, MathPolicy>;
using ChiSquared = boost::math::chi_squared_distribution<double, MathPolicy>;
using Beta = boost::math::beta_distribution<double, MathPolicy>;

// P(Z > z) for a standard normal Z, accurate far into the tail.
inline double normalUpperTail(double z) {
  return boost::math::cdf(boost::math::complement(Normal(), z));
}

}  // namespace herald::stats
