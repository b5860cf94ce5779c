#pragma once
// What each column of an import file means. A header cell is a field name
// with an optional type suffix ("age:number"); known names map to contact or
// event fields, anything else is an attribute (contacts) or a property
// (events). The same rules name the keys of a JSON Lines object.
#include <optional>
#include <string>
#include <string_view>

namespace herald::import {

enum class ValueType { kString, kNumber, kDate, kBoolean, kList, kAny };
const char* toString(ValueType t);

enum class Role {
  // contacts
  kExternalId,
  kEmail,
  kPhone,
  kFirstName,
  kLastName,
  kTimezone,
  kLocale,
  kTags,
  kAttribute,
  kAttributes,  // JSON Lines: an object of attributes
  kConsent,     // consent_<channel>
  kConsentSource,
  kConsentAt,
  kConsentWording,
  kConsents,  // JSON Lines: {"email": {"granted": true, ...}}
  // events
  kEventId,
  kType,
  kAt,
  kProperties,  // a JSON object of properties
  kProperty,
  // products (an unknown column is a kAttribute; kAttributes in JSON Lines)
  kProductId,
  kName,
  kUrl,
  kImage,
  kPrice,
  kCurrency,
  kCategory,
};

struct Column {
  std::string header;  // as written (trimmed), for messages
  Role role = Role::kAttribute;
  std::string name;  // attribute or property name, or the consent channel
  ValueType type = ValueType::kString;
  bool typed = false;    // the type was written in the header
  std::string json_key;  // "\"name\":" for attribute columns (CSV fast path)
};

// Parses one header cell of a contacts file; nullopt with `error` set when
// the cell cannot be understood (unknown type, a type on a fixed field...).
std::optional<Column> contactColumn(std::string_view header, std::string& error);
std::optional<Column> eventColumn(std::string_view header, std::string& error);
std::optional<Column> productColumn(std::string_view header, std::string& error);

// Field names are matched ignoring case, with spaces and dashes read as '_'
// ("First Name" is first_name).
std::string canonicalName(std::string_view name);

}  // namespace herald::import
