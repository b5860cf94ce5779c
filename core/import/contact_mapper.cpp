#include "import/contact_mapper.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace herald::import {
namespace {

std::string timeZoneProblem(TimeZones& zones, std::string_view text) {
  std::string why = quoteValue(text) + " is not a known time zone";
  std::string guess = zones.suggest(text);
  if (!guess.empty()) {
    why += fmt::format(" (did you mean '{}'?)", guess);
  } else {
    why += " (use an IANA name such as Europe/Paris or Asia/Seoul)";
  }
  return why;
}

}  // namespace

ContactMapper::ContactMapper(std::string default_source, int64_t now_ms, TimeZones& zones)
    : default_source_(std::move(default_source)), now_ms_(now_ms), zones_(zones) {}

std::string ContactMapper::problem(const Column& col, std::string_view why) const {
  return fmt::format("{} '{}': {}", noun_, col.header, why);
}

bool ContactMapper::setHeader(const std::vector<std::string_view>& cells, Problems& problems) {
  size_t before = problems.size();
  columns_.clear();
  headers_.clear();
  slot_of_.assign(cells.size(), -1);
  slots_.clear();
  int external_id = 0;
  int email = 0;
  for (size_t i = 0; i < cells.size(); ++i) {
    const int at = static_cast<int>(i) + 1;
    std::string error;
    std::string_view header = trim(cells[i]);
    headers_.emplace_back(header);
    auto col = contactColumn(header, error);
    if (!col) {
      problems.push_back({at, error});
      columns_.push_back(Column{});  // keep positions aligned
      continue;
    }
    for (size_t j = 0; j < columns_.size(); ++j) {
      if (columns_[j].header.empty()) continue;
      bool same = columns_[j].role == col->role && columns_[j].name == col->name &&
                  col->role != Role::kAttribute && col->role != Role::kProperty;
      if (same || (col->role == Role::kAttribute && columns_[j].role == Role::kAttribute &&
                   columns_[j].name == col->name)) {
        problems.push_back({at, fmt::format("column '{}' repeats column {} ('{}')", header, j + 1,
                                            columns_[j].header)});
      }
    }
    if (col->role == Role::kAttribute) {
      col->json_key.clear();
      appendJsonString(col->json_key, col->name);
      col->json_key += ':';
    }
    if (col->role == Role::kExternalId) external_id = at;
    if (col->role == Role::kEmail) email = at;
    columns_.push_back(std::move(*col));
  }
  // Consent channels first, so that _source/_at/_wording may come before or
  // after their consent_CHANNEL column.
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i].role != Role::kConsent) continue;
    Slot s;
    s.channel = columns_[i].name;
    s.consent_header = columns_[i].header;
    slots_.push_back(std::move(s));
    slot_of_[i] = static_cast<int>(slots_.size()) - 1;
  }
  for (size_t i = 0; i < columns_.size(); ++i) {
    Role r = columns_[i].role;
    if (r != Role::kConsentSource && r != Role::kConsentAt && r != Role::kConsentWording) continue;
    auto it = std::find_if(slots_.begin(), slots_.end(),
                           [&](const Slot& s) { return s.channel == columns_[i].name; });
    if (it == slots_.end()) {
      problems.push_back({static_cast<int>(i) + 1,
                          fmt::format("column '{}' has no 'consent_{}' column to go with it",
                                      columns_[i].header, columns_[i].name)});
      continue;
    }
    slot_of_[i] = static_cast<int>(it - slots_.begin());
  }
  if (external_id == 0 && email == 0) {
    problems.push_back(
        {0,
         "the header has neither an 'external_id' nor an 'email' column: contacts are matched "
         "by one of them, so at least one is required"});
  }
  id_column_ = external_id != 0 ? external_id : email;
  email_column_ = email != 0 ? email : external_id;
  return problems.size() == before;
}

void ContactMapper::reset(store::Contact& c) {
  c.id = 0;
  c.external_id.reset();
  c.email.reset();
  c.phone.reset();
  c.first_name.reset();
  c.last_name.reset();
  c.timezone.reset();
  c.locale.reset();
  if (c.attributes.is_object()) {
    c.attributes.clear();
  } else {
    c.attributes = nlohmann::json::object();
  }
  c.tags.clear();
  c.consents.clear();
  c.created_ms = now_ms_;
  c.updated_ms = now_ms_;
  for (auto& s : slots_) {
    s.granted.reset();
    s.source.clear();
    s.at_ms = 0;
    s.wording.clear();
    s.part_column = 0;
    s.answer_bad = false;
  }
}

void ContactMapper::mapRow(const std::vector<std::string_view>& fields, store::Contact& c,
                           Problems& problems) {
  noun_ = "column";
  csv_ = true;
  reset(c);
  attributes_json_.assign(1, '{');
  const size_t n = std::min(fields.size(), columns_.size());
  for (size_t i = 0; i < n; ++i) {
    std::string_view text = trim(fields[i]);
    if (text.empty()) continue;  // an empty cell leaves the stored value alone
    const Column& col = columns_[i];
    const int at = static_cast<int>(i) + 1;
    if (!isValidUtf8(text)) {
      problems.push_back(
          {at, problem(col, "the text is not valid UTF-8 (save the file as UTF-8)")});
      continue;
    }
    Slot* slot = slot_of_[i] >= 0 ? &slots_[static_cast<size_t>(slot_of_[i])] : nullptr;
    applyText(col, text, at, slot, c, problems);
  }
  attributes_json_ += '}';
  finish(c, id_column_, problems);
}

void ContactMapper::applyText(const Column& col, std::string_view text, int at, Slot* slot,
                              store::Contact& c, Problems& problems) {
  std::string why;
  switch (col.role) {
    case Role::kExternalId:
      c.external_id.emplace(text);
      return;
    case Role::kEmail:
      if (normalizeEmail(text, scratch_)) {
        c.email = scratch_;
      } else {
        problems.push_back({at, problem(col, quoteValue(text) + " is not a valid email address")});
      }
      return;
    case Role::kPhone:
      if (normalizePhone(text, scratch_)) {
        c.phone = scratch_;
      } else {
        problems.push_back(
            {at, problem(col, quoteValue(text) +
                                  " is not an international phone number (write +, the country "
                                  "code and the number, e.g. +14155550123)")});
      }
      return;
    case Role::kFirstName:
      c.first_name.emplace(text);
      return;
    case Role::kLastName:
      c.last_name.emplace(text);
      return;
    case Role::kTimezone:
      if (zones_.known(text)) {
        c.timezone.emplace(text);
      } else {
        problems.push_back({at, problem(col, timeZoneProblem(zones_, text))});
      }
      return;
    case Role::kLocale:
      if (auto locale = normalizeLocale(text)) {
        c.locale = std::move(*locale);
      } else {
        problems.push_back(
            {at, problem(col, quoteValue(text) +
                                  " is not a locale (use a language tag such as en-US, de-DE "
                                  "or ko-KR)")});
      }
      return;
    case Role::kTags:
      splitList(text, c.tags);
      return;
    case Role::kAttribute: {
      if (csv_) {
        const size_t mark = attributes_json_.size();
        if (attributes_json_.size() > 1) attributes_json_ += ',';
        attributes_json_ += col.json_key;
        if (!appendTextValue(col, text, attributes_json_, why)) {
          attributes_json_.resize(mark);
          problems.push_back({at, problem(col, why)});
        }
        return;
      }
      nlohmann::json value;
      if (textValue(col, text, value, why)) {
        c.attributes[col.name] = std::move(value);
      } else {
        problems.push_back({at, problem(col, why)});
      }
      return;
    }
    case Role::kAttributes:
    case Role::kConsents: {
      nlohmann::json parsed;
      if (!parseJsonObjectCell(text, parsed, why)) {
        problems.push_back({at, problem(col, why)});
        return;
      }
      if (col.role == Role::kConsents) {
        applyConsentObject(parsed, at, problems);
      } else if (csv_) {
        // A column of the same name wins over a key of this cell.
        for (const auto& [k, v] : parsed.items()) {
          bool shadowed = std::any_of(columns_.begin(), columns_.end(), [&](const Column& other) {
            return other.role == Role::kAttribute && other.name == k;
          });
          if (shadowed) continue;
          if (attributes_json_.size() > 1) attributes_json_ += ',';
          appendJsonString(attributes_json_, k);
          attributes_json_ += ':';
          attributes_json_ += v.dump();
        }
      } else {
        for (auto& [k, v] : parsed.items()) c.attributes[k] = std::move(v);
      }
      return;
    }
    case Role::kConsent:
      if (auto granted = parseConsent(text)) {
        slot->granted = *granted;
      } else {
        slot->answer_bad = true;
        problems.push_back(
            {at, problem(col, quoteValue(text) +
                                  " is not a consent answer (write yes or no; granted/revoked, "
                                  "opt-in/opt-out and true/false work too)")});
      }
      return;
    case Role::kConsentSource:
    case Role::kConsentAt:
    case Role::kConsentWording:
      if (slot == nullptr) return;  // reported with the header
      slot->part_column = at;
      slot->part_header = col.header;
      if (col.role == Role::kConsentSource) {
        slot->source.assign(text);
      } else if (col.role == Role::kConsentWording) {
        slot->wording.assign(text);
      } else if (auto t = parseTimestamp(text)) {
        slot->at_ms = t->unix_ms;
      } else {
        problems.push_back(
            {at, problem(col, quoteValue(text) + " is not a time (write YYYY-MM-DD or "
                                                 "YYYY-MM-DDTHH:MM:SSZ)")});
      }
      return;
    case Role::kEventId:
    case Role::kType:
    case Role::kAt:
    case Role::kProperties:
    case Role::kProperty:
    case Role::kProductId:
    case Role::kName:
    case Role::kUrl:
    case Role::kImage:
    case Role::kPrice:
    case Role::kCurrency:
    case Role::kCategory:
      return;  // event and product roles never come out of contactColumn()
  }
}

void ContactMapper::finish(store::Contact& c, int id_column, Problems& problems) {
  if (!c.external_id && !c.email) {
    bool bad_value = !problems.empty();
    if (!bad_value) {
      problems.push_back(
          {id_column, "the row has neither an external_id nor an email; a contact needs one"});
    }
  }
  for (auto& s : slots_) {
    if (s.granted) {
      c.consents.push_back(store::Consent{s.channel, *s.granted,
                                          s.source.empty() ? default_source_ : s.source,
                                          s.at_ms != 0 ? s.at_ms : now_ms_, s.wording});
    } else if (s.part_column != 0 && !s.answer_bad) {
      problems.push_back(
          {s.part_column, fmt::format("{} '{}' has a value but '{}' is empty: say whether "
                                      "consent was given (yes or no)",
                                      noun_, s.part_header, s.consent_header)});
    }
  }
}

ContactMapper::Slot& ContactMapper::slotFor(const std::string& channel) {
  for (auto& s : slots_) {
    if (s.channel == channel) return s;
  }
  Slot s;
  s.channel = channel;
  s.consent_header = "consent_" + channel;
  slots_.push_back(std::move(s));
  return slots_.back();
}

void ContactMapper::mapObject(const nlohmann::json& obj, std::string_view line, store::Contact& c,
                              Problems& problems) {
  noun_ = "field";
  csv_ = false;
  slots_.clear();
  reset(c);
  if (!obj.is_object()) {
    problems.push_back({1, "each line must be a JSON object ({\"email\": ..., ...})"});
    return;
  }
  int id_column = 1;
  for (const auto& [key, value] : obj.items()) {
    const int at = keyColumn(line, key);
    auto it = json_columns_.find(key);
    if (it == json_columns_.end()) {
      std::string error;
      auto col = contactColumn(key, error);
      if (!col) json_column_errors_[key] = error;
      it = json_columns_.emplace(key, std::move(col)).first;
    }
    if (!it->second) {
      problems.push_back({at, json_column_errors_[key]});
      continue;
    }
    const Column& col = *it->second;
    if (col.role == Role::kExternalId || col.role == Role::kEmail) id_column = at;
    applyJson(col, value, at, c, problems);
  }
  finish(c, id_column, problems);
}

void ContactMapper::applyJson(const Column& col, const nlohmann::json& value, int at,
                              store::Contact& c, Problems& problems) {
  if (value.is_null()) {
    // null removes an attribute (JSON merge patch); elsewhere it means "no value".
    if (col.role == Role::kAttribute) c.attributes[col.name] = nullptr;
    return;
  }
  switch (col.role) {
    case Role::kAttribute: {
      nlohmann::json out;
      std::string why;
      if (jsonValue(col, value, out, why)) {
        c.attributes[col.name] = std::move(out);
      } else {
        problems.push_back({at, problem(col, why)});
      }
      return;
    }
    case Role::kAttributes:
      if (!value.is_object()) {
        problems.push_back({at, problem(col, "must be a JSON object of attributes")});
        return;
      }
      for (const auto& [k, v] : value.items()) c.attributes[k] = v;
      return;
    case Role::kTags:
      if (value.is_array()) {
        for (const auto& tag : value) {
          if (!tag.is_string()) {
            problems.push_back(
                {at, problem(col, "tags must be strings, not " + quoteValue(tag.dump()))});
            return;
          }
          std::string_view t = trim(tag.get_ref<const std::string&>());
          if (!t.empty() && std::find(c.tags.begin(), c.tags.end(), t) == c.tags.end()) {
            c.tags.emplace_back(t);
          }
        }
        return;
      }
      break;
    case Role::kConsents:
      if (!value.is_object()) {
        problems.push_back({at, problem(col, "must be an object such as {\"email\": true}")});
        return;
      }
      applyConsentObject(value, at, problems);
      return;
    case Role::kConsent:
      if (value.is_boolean()) {
        slotFor(col.name).granted = value.get<bool>();
        return;
      }
      break;
    default:
      break;
  }
  // Everything else is text; numbers are accepted where an id or a phone
  // number may have been written without quotes.
  std::string text;
  if (value.is_string()) {
    text = value.get<std::string>();
  } else if (value.is_number() && (col.role == Role::kExternalId || col.role == Role::kPhone)) {
    text = value.dump();
    if (col.role == Role::kPhone) text.insert(0, "+");
  } else {
    problems.push_back(
        {at, problem(col, fmt::format("expected a string, found {}", quoteValue(value.dump())))});
    return;
  }
  std::string_view t = trim(text);
  if (t.empty()) return;
  if (!isValidUtf8(t)) {
    problems.push_back({at, problem(col, "the text is not valid UTF-8")});
    return;
  }
  Slot* slot = nullptr;
  if (col.role == Role::kConsent || col.role == Role::kConsentSource ||
      col.role == Role::kConsentAt || col.role == Role::kConsentWording) {
    slot = &slotFor(col.name);
  }
  applyText(col, t, at, slot, c, problems);
}

// {"email": true} or {"email": {"granted": true, "source": ..., "at": ..., "wording": ...}}
void ContactMapper::applyConsentObject(const nlohmann::json& value, int at, Problems& problems) {
  for (const auto& [channel, v] : value.items()) {
    Column col;
    col.header = "consents." + channel;
    col.role = Role::kConsent;
    col.name = channel;
    bool channel_ok = !channel.empty() && std::all_of(channel.begin(), channel.end(), [](char ch) {
      return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
    });
    if (!channel_ok) {
      problems.push_back({at, problem(col, "a channel name is lower-case letters and digits")});
      continue;
    }
    Slot& slot = slotFor(channel);
    const nlohmann::json* answer = &v;
    if (v.is_object()) {
      if (!v.contains("granted")) {
        problems.push_back({at, problem(col, "needs \"granted\": true or false")});
        continue;
      }
      answer = &v["granted"];
      if (v.contains("source") && v["source"].is_string()) slot.source = v["source"];
      if (v.contains("wording") && v["wording"].is_string()) slot.wording = v["wording"];
      if (v.contains("at")) {
        auto t = v["at"].is_string() ? parseTimestamp(v["at"].get<std::string>()) : std::nullopt;
        if (!t) {
          problems.push_back({at, problem(col, quoteValue(v["at"].dump()) +
                                                   " is not a time (write YYYY-MM-DDTHH:MM:SSZ)")});
          continue;
        }
        slot.at_ms = t->unix_ms;
      }
    }
    if (answer->is_boolean()) {
      slot.granted = answer->get<bool>();
    } else if (answer->is_string() && parseConsent(answer->get<std::string>())) {
      slot.granted = parseConsent(answer->get<std::string>());
    } else {
      problems.push_back({at, problem(col, quoteValue(answer->dump()) +
                                               " is not a consent answer (true or false)")});
    }
  }
}

}  // namespace herald::import
