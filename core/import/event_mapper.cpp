#include "import/event_mapper.hpp"

#include <fmt/format.h>

#include "import/values.hpp"

namespace herald::import {
namespace {

bool validType(std::string_view t) {
  if (t.size() > 64) return false;
  for (char c : t) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.' || c == ':';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string EventMapper::problem(const Column& col, std::string_view why) const {
  return fmt::format("{} '{}': {}", noun_, col.header, why);
}

bool EventMapper::setHeader(const std::vector<std::string_view>& cells, Problems& problems) {
  size_t before = problems.size();
  columns_.clear();
  headers_.clear();
  int external_id = 0, email = 0, type = 0, at_col = 0;
  for (size_t i = 0; i < cells.size(); ++i) {
    const int at = static_cast<int>(i) + 1;
    std::string error;
    std::string_view header = trim(cells[i]);
    headers_.emplace_back(header);
    auto col = eventColumn(header, error);
    if (!col) {
      problems.push_back({at, error});
      columns_.push_back(Column{});
      continue;
    }
    for (size_t j = 0; j < columns_.size(); ++j) {
      if (!columns_[j].header.empty() && columns_[j].role == col->role &&
          columns_[j].name == col->name) {
        problems.push_back({at, fmt::format("column '{}' repeats column {} ('{}')", header, j + 1,
                                            columns_[j].header)});
      }
    }
    int* slot = col->role == Role::kExternalId ? &external_id
                : col->role == Role::kEmail    ? &email
                : col->role == Role::kType     ? &type
                : col->role == Role::kAt       ? &at_col
                                               : nullptr;
    if (slot != nullptr && *slot == 0) *slot = at;
    columns_.push_back(std::move(*col));
  }
  if (external_id == 0 && email == 0) {
    problems.push_back({0,
                        "the header has neither an 'external_id' nor an 'email' column: each "
                        "event names its contact by one of them"});
  }
  if (type == 0) {
    problems.push_back(
        {0,
         "the header has no 'type' column: each event needs a type (purchase, open, click, ...)"});
  }
  if (at_col == 0) {
    problems.push_back({0,
                        "the header has no 'at' column: each event needs the time it happened "
                        "(e.g. 2024-05-01T14:30:00Z)"});
  }
  contact_column_ = external_id != 0 ? external_id : email;
  type_column_ = type;
  at_column_ = at_col;
  return problems.size() == before;
}

void EventMapper::reset(EventRow& row) {
  row.external_id.reset();
  row.email.reset();
  row.contact_column = contact_column_;
  row.event.id = 0;
  row.event.contact_id = 0;
  row.event.type.clear();
  if (row.event.properties.is_object()) {
    row.event.properties.clear();
  } else {
    row.event.properties = nlohmann::json::object();
  }
  row.event.at_ms = 0;
  row.has_time = false;
  row.event.external_id.reset();
}

void EventMapper::mapRow(const std::vector<std::string_view>& fields, EventRow& row,
                         Problems& problems) {
  noun_ = "column";
  reset(row);
  const size_t n = std::min(fields.size(), columns_.size());
  for (size_t i = 0; i < n; ++i) {
    std::string_view text = trim(fields[i]);
    if (text.empty()) continue;
    const int at = static_cast<int>(i) + 1;
    if (!isValidUtf8(text)) {
      problems.push_back(
          {at, problem(columns_[i], "the text is not valid UTF-8 (save the file as UTF-8)")});
      continue;
    }
    applyText(columns_[i], text, at, row, problems);
  }
  finish(row, type_column_, at_column_, problems);
}

void EventMapper::applyText(const Column& col, std::string_view text, int at, EventRow& row,
                            Problems& problems) {
  std::string why;
  switch (col.role) {
    case Role::kExternalId:
      row.external_id.emplace(text);
      return;
    case Role::kEmail:
      if (normalizeEmail(text, scratch_)) {
        row.email = scratch_;
      } else {
        problems.push_back({at, problem(col, quoteValue(text) + " is not a valid email address")});
      }
      return;
    case Role::kType:
      if (validType(text)) {
        row.event.type.assign(text);
      } else {
        problems.push_back(
            {at, problem(col, quoteValue(text) +
                                  " is not an event type (letters, digits, '_', '-', '.' and "
                                  "':', at most 64; e.g. purchase)")});
      }
      return;
    case Role::kAt:
      if (auto t = parseTimestamp(text)) {
        row.event.at_ms = t->unix_ms;
        row.has_time = true;
      } else {
        problems.push_back(
            {at, problem(col, quoteValue(text) +
                                  " is not a time (write ISO 8601, e.g. 2024-05-01T14:30:00Z)")});
      }
      return;
    case Role::kEventId:
      row.event.external_id.emplace(text);
      return;
    case Role::kProperties: {
      nlohmann::json parsed;
      if (!parseJsonObjectCell(text, parsed, why)) {
        problems.push_back({at, problem(col, why)});
        return;
      }
      for (auto& [k, v] : parsed.items()) row.event.properties[k] = std::move(v);
      return;
    }
    case Role::kProperty: {
      nlohmann::json value;
      if (textValue(col, text, value, why)) {
        row.event.properties[col.name] = std::move(value);
      } else {
        problems.push_back({at, problem(col, why)});
      }
      return;
    }
    default:
      return;  // contact roles never come out of eventColumn()
  }
}

void EventMapper::finish(EventRow& row, int type_column, int at_column, Problems& problems) {
  if (!problems.empty()) return;  // the first problems say enough
  if (!row.external_id && !row.email) {
    problems.push_back(
        {row.contact_column, "the row names no contact: give its external_id or email"});
  }
  if (row.event.type.empty()) {
    problems.push_back({type_column, "the row has no event type"});
  }
  if (!row.has_time) {
    problems.push_back({at_column, "the row has no time ('at')"});
  }
}

void EventMapper::mapObject(const nlohmann::json& obj, std::string_view line, EventRow& row,
                            Problems& problems) {
  noun_ = "field";
  reset(row);
  if (!obj.is_object()) {
    problems.push_back({1, "each line must be a JSON object ({\"type\": ..., ...})"});
    return;
  }
  int type_column = 1, at_column = 1;
  for (const auto& [key, value] : obj.items()) {
    const int at = keyColumn(line, key);
    auto it = json_columns_.find(key);
    if (it == json_columns_.end()) {
      std::string error;
      auto col = eventColumn(key, error);
      if (!col) json_column_errors_[key] = error;
      it = json_columns_.emplace(key, std::move(col)).first;
    }
    if (!it->second) {
      problems.push_back({at, json_column_errors_[key]});
      continue;
    }
    const Column& col = *it->second;
    if (value.is_null()) continue;
    switch (col.role) {
      case Role::kExternalId:
      case Role::kEmail:
        row.contact_column = at;
        break;
      case Role::kType:
        type_column = at;
        break;
      case Role::kAt:
        at_column = at;
        break;
      default:
        break;
    }
    if (col.role == Role::kProperty) {
      nlohmann::json out;
      std::string why;
      if (jsonValue(col, value, out, why)) {
        row.event.properties[col.name] = std::move(out);
      } else {
        problems.push_back({at, problem(col, why)});
      }
      continue;
    }
    if (col.role == Role::kProperties) {
      if (!value.is_object()) {
        problems.push_back({at, problem(col, "must be a JSON object")});
        continue;
      }
      for (const auto& [k, v] : value.items()) row.event.properties[k] = v;
      continue;
    }
    std::string text;
    if (value.is_string()) {
      text = value.get<std::string>();
    } else if (value.is_number() && (col.role == Role::kExternalId || col.role == Role::kEventId)) {
      text = value.dump();
    } else {
      problems.push_back(
          {at, problem(col, fmt::format("expected a string, found {}", quoteValue(value.dump())))});
      continue;
    }
    std::string_view t = trim(text);
    if (!t.empty()) applyText(col, t, at, row, problems);
  }
  finish(row, type_column, at_column, problems);
}

}  // namespace herald::import
