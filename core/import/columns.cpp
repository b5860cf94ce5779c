#include "import/columns.hpp"

#include <fmt/format.h>

#include <array>
#include <utility>

namespace herald::import {
namespace {

constexpr std::array<std::pair<std::string_view, ValueType>, 9> kTypeNames{{
    {"string", ValueType::kString},
    {"text", ValueType::kString},
    {"number", ValueType::kNumber},
    {"date", ValueType::kDate},
    {"datetime", ValueType::kDate},
    {"boolean", ValueType::kBoolean},
    {"bool", ValueType::kBoolean},
    {"tags", ValueType::kList},
    {"list", ValueType::kList},
}};

constexpr std::array<std::pair<std::string_view, Role>, 10> kContactFields{{
    {"external_id", Role::kExternalId},
    {"email", Role::kEmail},
    {"phone", Role::kPhone},
    {"first_name", Role::kFirstName},
    {"last_name", Role::kLastName},
    {"timezone", Role::kTimezone},
    {"time_zone", Role::kTimezone},
    {"locale", Role::kLocale},
    {"tags", Role::kTags},
    {"attributes", Role::kAttributes},
}};

constexpr std::array<std::pair<std::string_view, Role>, 13> kEventFields{{
    {"external_id", Role::kExternalId},
    {"contact_external_id", Role::kExternalId},
    {"email", Role::kEmail},
    {"contact_email", Role::kEmail},
    {"type", Role::kType},
    {"event", Role::kType},
    {"event_type", Role::kType},
    {"at", Role::kAt},
    {"timestamp", Role::kAt},
    {"time", Role::kAt},
    {"occurred_at", Role::kAt},
    {"event_id", Role::kEventId},
    {"properties", Role::kProperties},
}};

constexpr std::array<std::pair<std::string_view, Role>, 10> kProductFields{{
    {"id", Role::kProductId},
    {"product_id", Role::kProductId},
    {"name", Role::kName},
    {"url", Role::kUrl},
    {"image", Role::kImage},
    {"image_url", Role::kImage},
    {"price", Role::kPrice},
    {"currency", Role::kCurrency},
    {"category", Role::kCategory},
    {"attributes", Role::kAttributes},
}};

bool isChannelChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// Splits "name:type". A header without a known type after its last ':' is
// an error rather than a name with a colon in it: "age:numbr" is a typo.
bool splitType(std::string_view header, Column& col, std::string& error) {
  size_t colon = header.rfind(':');
  if (colon == std::string_view::npos) {
    col.name = std::string(header);
    return true;
  }
  std::string type = canonicalName(header.substr(colon + 1));
  for (const auto& [name, t] : kTypeNames) {
    if (type == name) {
      col.type = t;
      col.typed = true;
      col.name = std::string(header.substr(0, colon));
      if (col.name.empty()) {
        error = fmt::format("column '{}' has a type but no name", header);
        return false;
      }
      return true;
    }
  }
  error = fmt::format(
      "unknown type '{}' in column '{}' (known types: string, number, date, boolean, tags; "
      "write NAME:TYPE, e.g. age:number)",
      header.substr(colon + 1), header);
  return false;
}

bool fixedFieldType(const Column& col, std::string& error) {
  bool list_field = col.role == Role::kTags;
  bool ok =
      !col.typed || (list_field ? col.type == ValueType::kList : col.type == ValueType::kString);
  if (!ok) {
    error = fmt::format("column '{}': '{}' is a built-in field and cannot take the type {}",
                        col.header, col.name, toString(col.type));
  }
  return ok;
}

}  // namespace

const char* toString(ValueType t) {
  switch (t) {
    case ValueType::kString:
      return "string";
    case ValueType::kNumber:
      return "number";
    case ValueType::kDate:
      return "date";
    case ValueType::kBoolean:
      return "boolean";
    case ValueType::kList:
      return "tags";
    case ValueType::kAny:
      return "any";
  }
  return "?";
}

std::string canonicalName(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (char c : name) {
    if (c >= 'A' && c <= 'Z') {
      out += static_cast<char>(c - 'A' + 'a');
    } else if (c == ' ' || c == '-') {
      out += '_';
    } else {
      out += c;
    }
  }
  return out;
}

namespace {

// What every kind of column starts with: a name, and the type after its
// colon (`orders:number`).
std::optional<Column> namedColumn(std::string_view header, std::string& error) {
  Column col;
  col.header = std::string(header);
  if (header.empty()) {
    error = "a column has no name in the header";
    return std::nullopt;
  }
  if (!splitType(header, col, error)) return std::nullopt;
  return col;
}

}  // namespace

std::optional<Column> contactColumn(std::string_view header, std::string& error) {
  auto named = namedColumn(header, error);
  if (!named) return std::nullopt;
  Column col = std::move(*named);
  std::string canon = canonicalName(col.name);
  for (const auto& [name, role] : kContactFields) {
    if (canon == name) {
      col.role = role;
      col.name = std::string(name);
      if (role == Role::kTags && !col.typed) col.type = ValueType::kList;
      if (role == Role::kAttributes) col.type = ValueType::kAny;
      if (!fixedFieldType(col, error)) return std::nullopt;
      return col;
    }
  }
  if (canon == "consents") {
    col.role = Role::kConsents;
    col.name = canon;
    return col;
  }
  if (canon.starts_with("consent_")) {
    // consent_<channel>[_source|_at|_wording]; channel names have no '_'.
    std::string_view rest = std::string_view(canon).substr(8);
    size_t us = rest.find('_');
    std::string_view channel = rest.substr(0, us);
    std::string_view part = us == std::string_view::npos ? "" : rest.substr(us + 1);
    bool channel_ok = !channel.empty();
    for (char c : channel) channel_ok = channel_ok && isChannelChar(c);
    if (!channel_ok || (part != "" && part != "source" && part != "at" && part != "wording")) {
      error = fmt::format(
          "column '{}': consent columns are consent_CHANNEL (e.g. consent_email), optionally "
          "with consent_CHANNEL_source, consent_CHANNEL_at and consent_CHANNEL_wording",
          header);
      return std::nullopt;
    }
    col.role = part.empty()       ? Role::kConsent
               : part == "source" ? Role::kConsentSource
               : part == "at"     ? Role::kConsentAt
                                  : Role::kConsentWording;
    col.name = std::string(channel);
    if (col.typed) {
      error = fmt::format("column '{}': consent columns take no type", header);
      return std::nullopt;
    }
    return col;
  }
  col.role = Role::kAttribute;
  if (!col.typed) col.type = ValueType::kString;
  return col;
}

std::optional<Column> eventColumn(std::string_view header, std::string& error) {
  auto named = namedColumn(header, error);
  if (!named) return std::nullopt;
  Column col = std::move(*named);
  std::string canon = canonicalName(col.name);
  for (const auto& [name, role] : kEventFields) {
    if (canon == name) {
      col.role = role;
      col.name = std::string(name);
      if (role == Role::kProperties) col.type = ValueType::kAny;
      if (!fixedFieldType(col, error)) return std::nullopt;
      return col;
    }
  }
  col.role = Role::kProperty;
  if (!col.typed) {
    // What a purchase carries, typed without ceremony.
    if (canon == "amount") col.type = ValueType::kNumber;
    if (canon == "items") col.type = ValueType::kList;
  }
  return col;
}

std::optional<Column> productColumn(std::string_view header, std::string& error) {
  auto named = namedColumn(header, error);
  if (!named) return std::nullopt;
  Column col = std::move(*named);
  std::string canon = canonicalName(col.name);
  for (const auto& [name, role] : kProductFields) {
    if (canon == name) {
      col.role = role;
      col.name = std::string(name == "product_id" ? "id" : name == "image_url" ? "image" : name);
      if (role == Role::kAttributes) col.type = ValueType::kAny;
      if (role == Role::kPrice) {
        if (col.typed && col.type != ValueType::kNumber) {
          error = fmt::format("column '{}': 'price' is a number and cannot take the type {}",
                              col.header, toString(col.type));
          return std::nullopt;
        }
        col.type = ValueType::kNumber;
        return col;
      }
      if (!fixedFieldType(col, error)) return std::nullopt;
      return col;
    }
  }
  col.role = Role::kAttribute;
  if (!col.typed) col.type = ValueType::kString;
  return col;
}

}  // namespace herald::import
