// herald events import: each event names a known contact; all or nothing by
// default, like contacts.
#include <fmt/format.h>

#include "import/event_mapper.hpp"
#include "import/serial_run.hpp"

namespace herald::import {
namespace {

struct EventKind {
  using Mapper = EventMapper;
  using Row = EventRow;
  using Import = store::EventImport;
  static constexpr std::string_view kFirstColumns = "(type, at, ...)";

  std::unique_ptr<Import> begin(store::Store& store) { return store.beginEventImport(); }

  bool write(Import& import, Row& row, std::string_view noun, Problems& problems) {
    auto id = import.resolveContact(row.external_id, row.email);
    if (!id) {
      std::string who =
          row.external_id
              ? fmt::format("{} 'external_id': no contact has the external id '{}'", noun,
                            *row.external_id)
              : fmt::format("{} 'email': no contact has the email '{}'", noun, *row.email);
      problems.push_back({row.contact_column, who + " (import the contacts first)"});
      return false;
    }
    row.event.contact_id = *id;
    import.insert(row.event);
    return true;
  }

  void finish(Import& import, ImportReport& report) {
    import.check();
    report.duplicates = import.duplicateCount();
  }
};

}  // namespace

ImportReport importEvents(store::Store& store, const ImportOptions& options) {
  return runSerialImport(store, options, EventKind{}, EventMapper{});
}

}  // namespace herald::import
