// Math filters. The liquid gem turns floats into BigDecimal before it
// computes (Utils.to_number), so 0.1 | plus: 0.2 is 0.3 and 2.675 | round: 2
// is 2.68; integers stay integers (10 | divided_by: 4 is 2, floored like
// Ruby's). Here a float becomes its shortest decimal digits in a 128-bit
// mantissa and the arithmetic is exact, as BigDecimal's is; the result is
// then a double again (BigDecimal#to_f).
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "template/filters/builtins.hpp"

namespace herald::tmpl::filters {
namespace {

__extension__ typedef __int128 i128;

constexpr i128 kMantissaLimit = static_cast<i128>(1'000'000'000'000'000'000LL) *
                                static_cast<i128>(1'000'000'000'000'000'000LL);  // 1e36

struct Num {
  enum Kind { kInt, kDec, kDbl } kind = kInt;
  int64_t i = 0;  // kInt
  i128 m = 0;     // kDec: m * 10^e
  int e = 0;
  double d = 0;  // kDbl: when a decimal would not fit (or inf/nan)
};

i128 pow10(int n) {
  i128 p = 1;
  for (int k = 0; k < n; ++k) p *= 10;
  return p;
}

void normalize(Num& n) {
  if (n.m == 0) {
    n.e = 0;
    return;
  }
  while (n.m % 10 == 0) {
    n.m /= 10;
    ++n.e;
  }
}

Num dbl(double d) {
  Num n;
  n.kind = Num::kDbl;
  n.d = d;
  return n;
}

Num fromDouble(double d) {
  if (!std::isfinite(d)) return dbl(d);
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<size_t>(res.ptr - buf));
  Num n;
  n.kind = Num::kDec;
  bool negative = false;
  if (sci.front() == '-') {
    negative = true;
    sci.remove_prefix(1);
  }
  const size_t epos = sci.find('e');
  int ndigits = 0;
  for (size_t k = 0; k < epos; ++k) {
    if (sci[k] == '.') continue;
    n.m = n.m * 10 + (sci[k] - '0');
    ++ndigits;
  }
  int exp10 = 0;
  std::string_view exp_text = sci.substr(epos + 1);
  if (!exp_text.empty() && exp_text.front() == '+') exp_text.remove_prefix(1);
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exp10);
  n.e = exp10 - (ndigits - 1);
  if (negative) n.m = -n.m;
  normalize(n);
  return n;
}

double toDouble(const Num& n) {
  switch (n.kind) {
    case Num::kInt:
      return static_cast<double>(n.i);
    case Num::kDbl:
      return n.d;
    case Num::kDec:
      break;
  }
  if (n.m == 0) return 0.0;
  // Exact fast path: a mantissa below 2^53 and a power of ten up to 10^22
  // are both exact doubles, so one multiplication or division rounds once.
  static constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                      1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                      1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  constexpr i128 kExact = static_cast<i128>(1) << 53;
  if (n.m < kExact && n.m > -kExact && n.e >= -22 && n.e <= 22) {
    const auto m = static_cast<double>(static_cast<int64_t>(n.m));
    return n.e >= 0 ? m * kPow10[n.e] : m / kPow10[-n.e];
  }
  char digits[64];
  int len = 0;
  i128 m = n.m < 0 ? -n.m : n.m;
  char rev[64];
  while (m > 0) {
    rev[len++] = static_cast<char>('0' + static_cast<int>(m % 10));
    m /= 10;
  }
  int k = 0;
  if (n.m < 0) digits[k++] = '-';
  while (len > 0) digits[k++] = rev[--len];
  std::snprintf(digits + k, sizeof digits - static_cast<size_t>(k), "e%d", n.e);
  return std::strtod(digits, nullptr);
}

Num toDec(const Num& n) {
  if (n.kind != Num::kInt) return n;
  Num d;
  d.kind = Num::kDec;
  d.m = n.i;
  normalize(d);
  return d;
}

bool isRubySpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

// Utils.to_number on a string: "-?\d+\.\d+" (after strip) is a decimal,
// anything else is String#to_i (leading digits, "12abc" is 12, "abc" is 0).
Num parseString(std::string_view s) {
  std::string_view t = s;
  while (!t.empty() && (isRubySpace(t.front()) || t.front() == '\0')) t.remove_prefix(1);
  while (!t.empty() && (isRubySpace(t.back()) || t.back() == '\0')) t.remove_suffix(1);
  {
    std::string_view u = t;
    if (!u.empty() && u.front() == '-') u.remove_prefix(1);
    const size_t dot = u.find('.');
    auto allDigits = [](std::string_view x) {
      if (x.empty()) return false;
      for (char c : x)
        if (c < '0' || c > '9') return false;
      return true;
    };
    if (dot != std::string_view::npos && allDigits(u.substr(0, dot)) &&
        allDigits(u.substr(dot + 1))) {
      Num n;
      n.kind = Num::kDec;
      int frac = 0;
      bool overflow = false;
      for (size_t k = 0; k < u.size(); ++k) {
        if (k == dot) continue;
        if (n.m > kMantissaLimit) {
          overflow = true;
          break;
        }
        n.m = n.m * 10 + (u[k] - '0');
        if (k > dot) ++frac;
      }
      if (overflow) return dbl(std::strtod(std::string(t).c_str(), nullptr));
      n.e = -frac;
      if (t.front() == '-') n.m = -n.m;
      normalize(n);
      return n;
    }
  }
  // String#to_i
  std::string_view u = s;
  while (!u.empty() && isRubySpace(u.front())) u.remove_prefix(1);
  bool negative = false;
  if (!u.empty() && (u.front() == '-' || u.front() == '+')) {
    negative = u.front() == '-';
    u.remove_prefix(1);
  }
  i128 v = 0;
  char prev = '_';
  for (char c : u) {
    if (c == '_' && prev != '_') {
      prev = c;
      continue;
    }
    if (c < '0' || c > '9') break;
    if (v < kMantissaLimit) v = v * 10 + (c - '0');
    prev = c;
  }
  if (negative) v = -v;
  Num n;
  if (v > INT64_MAX || v < INT64_MIN) return dbl(static_cast<double>(v));
  n.i = static_cast<int64_t>(v);
  return n;
}

Num toNum(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kInt: {
      Num n;
      n.i = v.asInt();
      return n;
    }
    case Value::Kind::kDouble:
      return fromDouble(v.asDouble());
    case Value::Kind::kString:
      return parseString(v.string());
    default:
      return Num{};
  }
}

Value toValue(const Num& n) {
  if (n.kind == Num::kInt) return Value::integer(n.i);
  return Value::number(toDouble(n));
}

// Brings a and b (both kDec) to the smaller exponent; false on overflow.
bool align(Num& a, Num& b) {
  if (a.e == b.e) return true;
  Num& hi = a.e > b.e ? a : b;
  const int lo_e = a.e > b.e ? b.e : a.e;
  const int diff = hi.e - lo_e;
  if (diff > 36) return false;
  i128 scaled = 0;
  if (__builtin_mul_overflow(hi.m, pow10(diff), &scaled)) return false;
  hi.m = scaled;
  hi.e = lo_e;
  return true;
}

enum class Op { kAdd, kSub, kMul, kDiv, kMod };

double applyDouble(double a, double b, Op op) {
  switch (op) {
    case Op::kAdd:
      return a + b;
    case Op::kSub:
      return a - b;
    case Op::kMul:
      return a * b;
    case Op::kDiv:
      return a / b;
    case Op::kMod: {
      double r = std::fmod(a, b);
      if (r != 0 && ((r < 0) != (b < 0))) r += b;
      return r;
    }
  }
  return 0;
}

Value apply(std::string_view name, const Value& in, const Value& operand, Op op, FilterEnv& env) {
  Num a = toNum(in), b = toNum(operand);
  const bool zero = (b.kind == Num::kInt && b.i == 0) || (b.kind == Num::kDec && b.m == 0) ||
                    (b.kind == Num::kDbl && b.d == 0);
  if ((op == Op::kDiv || op == Op::kMod) && zero) return fail(env, name, "divided by 0");
  if (a.kind == Num::kInt && b.kind == Num::kInt) {
    int64_t r = 0;
    bool overflow = false;
    switch (op) {
      case Op::kAdd:
        overflow = __builtin_add_overflow(a.i, b.i, &r);
        break;
      case Op::kSub:
        overflow = __builtin_sub_overflow(a.i, b.i, &r);
        break;
      case Op::kMul:
        overflow = __builtin_mul_overflow(a.i, b.i, &r);
        break;
      case Op::kDiv:
        if (a.i == INT64_MIN && b.i == -1) {
          overflow = true;
          break;
        }
        r = a.i / b.i;
        if ((a.i % b.i != 0) && ((a.i < 0) != (b.i < 0))) --r;  // Ruby floors
        break;
      case Op::kMod:
        if (b.i == -1) {
          r = 0;
          break;
        }
        r = a.i % b.i;
        if (r != 0 && ((r < 0) != (b.i < 0))) r += b.i;
        break;
    }
    if (overflow) return fail(env, name, "the result does not fit in a 64-bit integer");
    return Value::integer(r);
  }
  if (a.kind == Num::kDbl || b.kind == Num::kDbl) {
    return Value::number(applyDouble(toDouble(a), toDouble(b), op));
  }
  a = toDec(a);
  b = toDec(b);
  Num r;
  r.kind = Num::kDec;
  bool ok = true;
  switch (op) {
    case Op::kAdd:
    case Op::kSub:
      ok = align(a, b) && !(op == Op::kAdd ? __builtin_add_overflow(a.m, b.m, &r.m)
                                           : __builtin_sub_overflow(a.m, b.m, &r.m));
      r.e = a.e;
      break;
    case Op::kMul:
      ok = !__builtin_mul_overflow(a.m, b.m, &r.m);
      r.e = a.e + b.e;
      break;
    case Op::kDiv: {
      // Scale the dividend up to ~36 digits so the quotient keeps >= 17.
      i128 num = a.m;
      int k = 0;
      while (num != 0 && (num < 0 ? -num : num) < kMantissaLimit / 10) {
        num *= 10;
        ++k;
      }
      r.m = num / b.m;
      r.e = a.e - k - b.e;
      break;
    }
    case Op::kMod:
      ok = align(a, b);
      if (ok) {
        r.m = a.m % b.m;
        if (r.m != 0 && ((r.m < 0) != (b.m < 0))) r.m += b.m;
        r.e = a.e;
      }
      break;
  }
  if (!ok) return Value::number(applyDouble(toDouble(a), toDouble(b), op));
  // BigDecimal keeps the sign of a zero product or quotient (0 * -1.5 is -0.0).
  auto negative = [](const Value& v, const Num& n) {
    return v.kind() == Value::Kind::kDouble ? std::signbit(v.asDouble()) : n.m < 0;
  };
  if (r.m == 0 && (op == Op::kMul || op == Op::kDiv) && negative(in, a) != negative(operand, b))
    return Value::number(-0.0);
  normalize(r);
  return Value::number(toDouble(r));
}

// Rounds m * 10^e to `digits` decimals, halves away from zero (BigDecimal's
// default ROUND_HALF_UP).
Num roundDec(Num n, int64_t digits) {
  if (n.m == 0 || -static_cast<int64_t>(n.e) <= digits) return n;
  const int64_t drop = -static_cast<int64_t>(n.e) - digits;
  if (drop > 38) {
    n.m = 0;
    n.e = 0;
    return n;
  }
  const i128 p = pow10(static_cast<int>(drop));
  const bool negative = n.m < 0;
  i128 mag = negative ? -n.m : n.m;
  i128 q = mag / p;
  if ((mag % p) * 2 >= p) ++q;
  n.m = negative ? -q : q;
  n.e = static_cast<int>(-digits);
  normalize(n);
  return n;
}

// floor (down) or ceil (up) of a decimal, as an integer.
bool decToInt(const Num& n, bool up, int64_t& out) {
  if (n.e >= 0) {
    i128 v = 0;
    if (n.e > 36 || __builtin_mul_overflow(n.m, pow10(n.e), &v) || v > INT64_MAX || v < INT64_MIN)
      return false;
    out = static_cast<int64_t>(v);
    return true;
  }
  if (-n.e > 38) {
    out = n.m > 0 ? (up ? 1 : 0) : (up ? 0 : -1);
    return true;
  }
  const i128 p = pow10(-n.e);
  i128 q = n.m / p;
  const i128 r = n.m % p;
  if (r != 0) {
    if (up && n.m > 0) ++q;
    if (!up && n.m < 0) --q;
  }
  if (q > INT64_MAX || q < INT64_MIN) return false;
  out = static_cast<int64_t>(q);
  return true;
}

int compareNum(const Num& x, const Num& y) {
  if (x.kind == Num::kInt && y.kind == Num::kInt) return x.i < y.i ? -1 : x.i > y.i ? 1 : 0;
  if (x.kind == Num::kDbl || y.kind == Num::kDbl) {
    const double a = toDouble(x), b = toDouble(y);
    return a < b ? -1 : a > b ? 1 : 0;
  }
  Num a = toDec(x), b = toDec(y);
  if (!align(a, b)) {
    const double da = toDouble(a), db = toDouble(b);
    return da < db ? -1 : da > db ? 1 : 0;
  }
  return a.m < b.m ? -1 : a.m > b.m ? 1 : 0;
}

Value clampImpl(const Value& in, const Value& bound, bool at_least) {
  Num v = toNum(in), b = toNum(bound);
  const int c = compareNum(b, v);
  if ((at_least && c > 0) || (!at_least && c < 0)) return toValue(b);
  if (in.kind() == Value::Kind::kDouble) return Value::number(in.asDouble());  // keeps -0.0
  return toValue(v);
}

Value roundToInt(std::string_view name, const Value& in, bool up, FilterEnv& env) {
  Num n = toNum(in);
  if (n.kind == Num::kInt) return Value::integer(n.i);
  if (n.kind == Num::kDbl) {
    if (!std::isfinite(n.d)) return fail(env, name, "cannot round " + in.toString());
    const double r = up ? std::ceil(n.d) : std::floor(n.d);
    return Value::integer(static_cast<int64_t>(r));
  }
  int64_t out = 0;
  if (!decToInt(n, up, out)) return fail(env, name, "the result does not fit in a 64-bit integer");
  return Value::integer(out);
}

}  // namespace

Value fPlus(const Value& in, Args args, FilterEnv& env) {
  return apply("plus", in, args[0], Op::kAdd, env);
}
Value fMinus(const Value& in, Args args, FilterEnv& env) {
  return apply("minus", in, args[0], Op::kSub, env);
}
Value fTimes(const Value& in, Args args, FilterEnv& env) {
  return apply("times", in, args[0], Op::kMul, env);
}
Value fDividedBy(const Value& in, Args args, FilterEnv& env) {
  return apply("divided_by", in, args[0], Op::kDiv, env);
}
Value fModulo(const Value& in, Args args, FilterEnv& env) {
  return apply("modulo", in, args[0], Op::kMod, env);
}

Value fRound(const Value& in, Args args, FilterEnv& env) {
  int64_t digits = 0;
  if (!args.empty()) {
    const Num d = toNum(args[0]);
    if (d.kind == Num::kInt) {
      digits = d.i;
    } else if (d.kind == Num::kDec) {
      int64_t t = 0;
      decToInt(d, d.m < 0, t);  // truncate toward zero
      digits = t;
    }
  }
  Num n = toNum(in);
  if (n.kind == Num::kDbl) {
    if (!std::isfinite(n.d)) return fail(env, "round", "cannot round " + in.toString());
    n = fromDouble(n.d);
  }
  if (n.kind == Num::kInt) {
    if (digits >= 0) return Value::integer(n.i);
    if (digits < -18) return Value::integer(0);
    const auto p = static_cast<int64_t>(pow10(static_cast<int>(-digits)));
    const int64_t mag = n.i < 0 ? -n.i : n.i;
    int64_t q = mag / p;
    if ((mag % p) * 2 >= p) ++q;
    return Value::integer((n.i < 0 ? -q : q) * p);
  }
  const Num r = roundDec(n, digits);
  if (digits <= 0) {  // BigDecimal#round(n <= 0) is an Integer
    int64_t out = 0;
    if (!decToInt(r, false, out))
      return fail(env, "round", "the result does not fit in a 64-bit integer");
    return Value::integer(out);
  }
  return Value::number(toDouble(r));
}

Value fCeil(const Value& in, Args, FilterEnv& env) { return roundToInt("ceil", in, true, env); }
Value fFloor(const Value& in, Args, FilterEnv& env) { return roundToInt("floor", in, false, env); }

Value fAbs(const Value& in, Args, FilterEnv& env) {
  Num n = toNum(in);
  switch (n.kind) {
    case Num::kInt:
      if (n.i == INT64_MIN) return fail(env, "abs", "the result does not fit in a 64-bit integer");
      return Value::integer(n.i < 0 ? -n.i : n.i);
    case Num::kDec:
      if (n.m < 0) n.m = -n.m;
      return Value::number(toDouble(n));
    case Num::kDbl:
      return Value::number(std::fabs(n.d));
  }
  return {};
}

Value fAtLeast(const Value& in, Args args, FilterEnv&) { return clampImpl(in, args[0], true); }
Value fAtMost(const Value& in, Args args, FilterEnv&) { return clampImpl(in, args[0], false); }

}  // namespace herald::tmpl::filters
