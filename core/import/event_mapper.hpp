#pragma once
// Maps CSV rows and JSON Lines objects to events, validating every value.
// The contact is named by external_id and/or email; the importer resolves it.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "import/columns.hpp"
#include "import/convert.hpp"
#include "store/records.hpp"

namespace herald::import {

struct EventRow {
  std::optional<std::string> external_id;
  std::optional<std::string> email;
  int contact_column = 1;  // where the contact reference is, for "unknown contact"
  bool has_time = false;
  store::Event event;
};

class EventMapper {
 public:
  bool setHeader(const std::vector<std::string_view>& cells, Problems& problems);
  size_t columnCount() const { return columns_.size(); }
  // The header cells as written, for messages.
  const std::vector<std::string>& headers() const { return headers_; }
  void mapRow(const std::vector<std::string_view>& fields, EventRow& row, Problems& problems);
  void mapObject(const nlohmann::json& obj, std::string_view line, EventRow& row,
                 Problems& problems);

 private:
  void reset(EventRow& row);
  void applyText(const Column& col, std::string_view text, int at, EventRow& row,
                 Problems& problems);
  void finish(EventRow& row, int type_column, int at_column, Problems& problems);
  std::string problem(const Column& col, std::string_view why) const;

  std::string noun_ = "column";
  std::vector<Column> columns_;
  std::vector<std::string> headers_;
  int contact_column_ = 1;
  int type_column_ = 1;
  int at_column_ = 1;
  std::unordered_map<std::string, std::optional<Column>> json_columns_;
  std::unordered_map<std::string, std::string> json_column_errors_;
  std::string scratch_;
};

}  // namespace herald::import
