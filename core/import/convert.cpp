#include "import/convert.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "import/values.hpp"
#include "util/json_nesting.hpp"

namespace herald::import {
std::string quoteValue(std::string_view value) {
  constexpr size_t kMax = 60;
  if (value.size() <= kMax) return fmt::format("'{}'", value);
  size_t cut = kMax;
  while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80) --cut;  // UTF-8
  return fmt::format("'{}…'", value.substr(0, cut));
}

bool textValue(const Column& col, std::string_view text, nlohmann::json& out, std::string& why) {
  switch (col.type) {
    case ValueType::kString:
    case ValueType::kAny:
      out = text;
      return true;
    case ValueType::kNumber:
      if (auto n = parseNumber(text)) {
        out = std::move(*n);
        return true;
      }
      why = quoteValue(text) + " is not a number";
      if (text.find(',') != std::string_view::npos && text.find('.') == std::string_view::npos) {
        why += " (write the decimal separator as '.', with no thousands separator)";
      }
      return false;
    case ValueType::kDate:
      if (auto t = parseTimestamp(text)) {
        out = formatTimestamp(*t);
        return true;
      }
      why = quoteValue(text) +
            " is not a date (write YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SSZ for a date and time)";
      return false;
    case ValueType::kBoolean:
      if (auto b = parseBoolean(text)) {
        out = *b;
        return true;
      }
      why = quoteValue(text) + " is not a boolean (write true or false, yes or no, 1 or 0)";
      return false;
    case ValueType::kList: {
      std::vector<std::string> items;
      splitList(text, items);
      out = std::move(items);
      return true;
    }
  }
  return false;
}

bool appendTextValue(const Column& col, std::string_view text, std::string& out, std::string& why) {
  char buf[32];
  switch (col.type) {
    case ValueType::kString:
    case ValueType::kAny:
      appendJsonString(out, text);
      return true;
    case ValueType::kNumber: {
      std::string_view t = text;
      if (!t.empty() && t[0] == '+') t.remove_prefix(1);
      const char* end = t.data() + t.size();
      int64_t i = 0;
      if (!t.empty() && t[0] != '+') {
        auto [p, ec] = std::from_chars(t.data(), end, i);
        if (ec == std::errc() && p == end) {
          out.append(buf, std::to_chars(buf, buf + sizeof buf, i).ptr);
          return true;
        }
        double d = 0;
        auto [q, ec2] = std::from_chars(t.data(), end, d);
        if (ec2 == std::errc() && q == end && std::isfinite(d)) {
          out.append(buf, std::to_chars(buf, buf + sizeof buf, d).ptr);
          return true;
        }
      }
      nlohmann::json unused;
      return textValue(col, text, unused, why);  // for the message
    }
    case ValueType::kDate:
      if (auto t = parseTimestamp(text)) {
        out += '"';
        out += formatTimestamp(*t);
        out += '"';
        return true;
      }
      break;
    case ValueType::kBoolean:
      if (auto b = parseBoolean(text)) {
        out += *b ? "true" : "false";
        return true;
      }
      break;
    case ValueType::kList: {
      std::vector<std::string> items;
      splitList(text, items);
      out += '[';
      for (size_t k = 0; k < items.size(); ++k) {
        if (k > 0) out += ',';
        appendJsonString(out, items[k]);
      }
      out += ']';
      return true;
    }
  }
  nlohmann::json unused;
  return textValue(col, text, unused, why);
}

bool jsonValue(const Column& col, const nlohmann::json& value, nlohmann::json& out,
               std::string& why) {
  if (value.is_string()) {
    std::string_view text = trim(value.get_ref<const std::string&>());
    if (!col.typed || col.type == ValueType::kAny) {
      out = value;
      return true;
    }
    return textValue(col, text, out, why);
  }
  if (!col.typed || col.type == ValueType::kAny) {
    out = value;
    return true;
  }
  switch (col.type) {
    case ValueType::kString:
      if (value.is_primitive()) {
        out = value.dump();
        return true;
      }
      break;
    case ValueType::kNumber:
      if (value.is_number()) {
        out = value;
        return true;
      }
      why = quoteValue(value.dump()) + " is not a number";
      return false;
    case ValueType::kBoolean:
      if (value.is_boolean()) {
        out = value;
        return true;
      }
      why = quoteValue(value.dump()) + " is not a boolean (write true or false)";
      return false;
    case ValueType::kDate:
      why = quoteValue(value.dump()) + " is not a date (write a string such as \"2024-05-01\")";
      return false;
    case ValueType::kList:
      if (value.is_array()) {
        out = nlohmann::json::array();
        for (const auto& item : value) {
          if (item.is_string()) {
            out.push_back(item);
          } else if (item.is_number() || item.is_boolean()) {
            out.push_back(item.dump());
          } else {
            why = "a list may hold only strings, not " + quoteValue(item.dump());
            return false;
          }
        }
        return true;
      }
      break;
    case ValueType::kAny:
      break;
  }
  why = fmt::format("{} is not a {}", quoteValue(value.dump()), toString(col.type));
  return false;
}

namespace {

// The 1-based character (not byte) column of byte `pos` in a UTF-8 line.
int characterColumn(std::string_view line, size_t pos) {
  int col = 1;
  for (size_t i = 0; i < pos; ++i) {
    if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) ++col;
  }
  return col;
}

}  // namespace

int keyColumn(std::string_view line, std::string_view key, size_t from, size_t* at) {
  std::string needle = fmt::format("\"{}\"", key);
  size_t pos = line.find(needle, from);
  if (at != nullptr) *at = pos == std::string_view::npos ? from : pos;
  if (pos == std::string_view::npos) return 1;
  return characterColumn(line, pos);
}

}  // namespace herald::import

namespace herald::import {

Problem columnCountProblem(size_t fields, size_t columns, const std::vector<std::string>& headers) {
  std::string msg = fmt::format("the row has {} {} but the header has {}", fields,
                                fields == 1 ? "column" : "columns", columns);
  if (fields < columns && fields < headers.size()) {
    msg += fmt::format(" (it ends before '{}'; a missing comma, or an unquoted line break?)",
                       headers[fields]);
  } else if (fields > columns) {
    msg += " (an unquoted comma in a value? Quote values that contain commas: \"Smith, Jr.\")";
  }
  return {static_cast<int>(std::min(fields, columns)) + 1, std::move(msg)};
}

std::optional<Problem> jsonNestingProblem(std::string_view line) {
  const size_t at = findJsonTooDeep(line);
  if (at == std::string_view::npos) return std::nullopt;
  return Problem{characterColumn(line, at), "a value " + std::string(jsonTooDeepMessage())};
}

bool parseJsonObjectCell(std::string_view text, nlohmann::json& out, std::string& why) {
  if (findJsonTooDeep(text) != std::string_view::npos) {
    why = quoteValue(text) + " is " + std::string(jsonTooDeepMessage());
    return false;
  }
  out = nlohmann::json::parse(text, nullptr, false);
  if (out.is_discarded() || !out.is_object()) {
    why = quoteValue(text) + " is not a JSON object";
    return false;
  }
  return true;
}

Problem jsonSyntaxProblem(std::string_view line) {
  try {
    auto ignored = nlohmann::json::parse(line);
    (void)ignored;
  } catch (const nlohmann::json::parse_error& e) {
    std::string what = e.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error ..."
    auto pos = what.find(": ");
    std::string why = pos == std::string::npos ? what : what.substr(pos + 2);
    return {static_cast<int>(e.byte), "not valid JSON: " + why};
  }
  return {1, "not valid JSON"};
}

}  // namespace herald::import
