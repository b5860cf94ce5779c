#pragma once
// Maps CSV rows and JSON Lines objects to store::Contact, validating every
// value. One mapper per file; it keeps per-row scratch state so a row costs
// no set-up.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "import/columns.hpp"
#include "import/convert.hpp"
#include "import/values.hpp"
#include "store/records.hpp"

namespace herald::import {

class ContactMapper {
 public:
  // `default_source` is the consent source when a file gives none
  // ("import:contacts.csv"); `now_ms` the consent time when it gives none.
  ContactMapper(std::string default_source, int64_t now_ms, TimeZones& zones);

  // CSV: reads the header row. False (with problems) when the file cannot be
  // imported as it is.
  bool setHeader(const std::vector<std::string_view>& cells, Problems& problems);
  size_t columnCount() const { return columns_.size(); }
  // The header cells as written, for messages.
  const std::vector<std::string>& headers() const { return headers_; }
  // The CSV column (1-based) of the email, else external id (for messages).
  int emailColumn() const { return email_column_; }

  // Fills `c` from one CSV row of columnCount() fields. The attributes are
  // not put in c.attributes but written as JSON text: attributesJson().
  void mapRow(const std::vector<std::string_view>& fields, store::Contact& c, Problems& problems);
  std::string& attributesJson() { return attributes_json_; }
  // Fills `c` from one JSON Lines object; `line` is its text (for columns).
  void mapObject(const nlohmann::json& obj, std::string_view line, store::Contact& c,
                 Problems& problems);

 private:
  struct Slot {
    std::string channel;
    std::string consent_header;  // "consent_email" as written, for messages
    std::optional<bool> granted;
    std::string source;
    int64_t at_ms = 0;
    std::string wording;
    bool answer_bad = false;  // the consent_CHANNEL value itself was not understood
    int part_column = 0;      // a _source/_at/_wording value was given here
    std::string part_header;
  };

  void reset(store::Contact& c);
  void applyText(const Column& col, std::string_view text, int at, Slot* slot, store::Contact& c,
                 Problems& problems);
  void applyJson(const Column& col, const nlohmann::json& value, int at, store::Contact& c,
                 Problems& problems);
  void applyConsentObject(const nlohmann::json& value, int at, Problems& problems);
  Slot& slotFor(const std::string& channel);
  void finish(store::Contact& c, int id_column, Problems& problems);
  std::string problem(const Column& col, std::string_view why) const;

  std::string default_source_;
  int64_t now_ms_;
  TimeZones& zones_;
  std::string noun_ = "column";  // "field" for JSON Lines
  std::vector<Column> columns_;
  std::vector<std::string> headers_;
  std::vector<int> slot_of_;  // CSV column -> consent slot, or -1
  std::vector<Slot> slots_;
  int id_column_ = 1;
  int email_column_ = 1;
  std::unordered_map<std::string, std::optional<Column>> json_columns_;
  std::unordered_map<std::string, std::string> json_column_errors_;
  std::string scratch_;
  bool csv_ = false;
  std::string attributes_json_;
  std::vector<std::string> list_;
};

}  // namespace herald::import
