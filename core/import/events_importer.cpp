// herald events import: each event names a known contact; all or nothing by
// default, like contacts.
#include <fmt/format.h>

#include "import/csv_reader.hpp"
#include "import/event_mapper.hpp"
#include "import/importer.hpp"
#include "import/input.hpp"
#include "import/jsonl_reader.hpp"

namespace herald::import {
namespace {

class EventRun {
 public:
  EventRun(store::Store& store, const ImportOptions& options, const Input& input,
           ImportReport& report)
      : options_(options),
        report_(report),
        sink_(input.name(), options.max_listed, report),
        store_(store) {}

  void csv(int fd) {
    CsvReader reader(fd);
    CsvReader::Record rec;
    auto status = reader.next(rec);
    if (status == CsvReader::Status::kEnd) {
      sink_.add(1, 0, "the file is empty: the first row must name the columns (type, at, ...)");
      report_.fatal = true;
      return;
    }
    if (status != CsvReader::Status::kRecord) {
      sink_.add(reader.error().line, reader.error().column, reader.error().message);
      report_.fatal = true;
      return;
    }
    if (!mapper_.setHeader(rec.fields, problems_)) {
      for (auto& p : problems_) sink_.add(rec.line, p.column, std::move(p.message));
      report_.fatal = true;
      return;
    }
    begin();
    const size_t columns = mapper_.columnCount();
    for (;;) {
      status = reader.next(rec);
      if (status == CsvReader::Status::kEnd) break;
      if (status == CsvReader::Status::kFatal) {
        sink_.add(reader.error().line, reader.error().column, reader.error().message);
        report_.fatal = true;
        break;
      }
      tick();
      if (status == CsvReader::Status::kBad) {
        problems_.push_back({reader.error().column, reader.error().message});
        sink_.row(reader.error().line, problems_);
        continue;
      }
      if (rec.fields.size() != columns) {
        problems_.push_back(columnCountProblem(rec.fields.size(), columns, mapper_.headers()));
        sink_.row(rec.line, problems_);
        continue;
      }
      mapper_.mapRow(rec.fields, row_, problems_);
      store(rec.line, "column");
    }
  }

  void jsonLines(int fd) {
    JsonLinesReader reader(fd);
    begin();
    std::string_view line;
    int64_t number = 0;
    for (;;) {
      auto status = reader.next(line, number);
      if (status == JsonLinesReader::Status::kEnd) break;
      if (status == JsonLinesReader::Status::kTooLong) {
        sink_.add(number, 0, "a line longer than 64 MiB");
        report_.fatal = true;
        break;
      }
      tick();
      auto obj = nlohmann::json::parse(line, nullptr, false);
      if (obj.is_discarded()) {
        problems_.push_back(jsonSyntaxProblem(line));
        sink_.row(number, problems_);
        continue;
      }
      mapper_.mapObject(obj, line, row_, problems_);
      store(number, "field");
    }
  }

  void end() {
    if (!import_) return;
    import_->check();
    report_.duplicates = import_->duplicateCount();
    bool ok = !report_.fatal && (report_.invalid_rows == 0 || options_.skip_invalid);
    if (ok && !options_.dry_run) {
      import_->commit();
      report_.committed = true;
    }
    import_.reset();
  }

 private:
  void begin() { import_ = store_.beginEventImport(); }

  void tick() {
    ++report_.rows;
    if (options_.progress && report_.rows % kProgressEvery == 0) options_.progress(report_.rows);
  }

  void store(int64_t line, std::string_view noun) {
    if (!problems_.empty()) {
      sink_.row(line, problems_);
      return;
    }
    auto id = import_->resolveContact(row_.external_id, row_.email);
    if (!id) {
      std::string who =
          row_.external_id
              ? fmt::format("{} 'external_id': no contact has the external id '{}'", noun,
                            *row_.external_id)
              : fmt::format("{} 'email': no contact has the email '{}'", noun, *row_.email);
      problems_.push_back({row_.contact_column, who + " (import the contacts first)"});
      sink_.row(line, problems_);
      return;
    }
    row_.event.contact_id = *id;
    import_->insert(row_.event);
    ++report_.stored;
  }

  const ImportOptions& options_;
  ImportReport& report_;
  ProblemSink sink_;
  EventMapper mapper_;
  store::Store& store_;
  std::unique_ptr<store::EventImport> import_;
  EventRow row_;
  Problems problems_;
};

}  // namespace

ImportReport importEvents(store::Store& store, const ImportOptions& options) {
  Stopwatch watch;
  ImportReport report;
  Input input(options, report);
  if (!input.ok()) return report;
  EventRun run(store, options, input, report);
  if (input.format() == Format::kJsonLines) {
    run.jsonLines(input.fd());
  } else {
    run.csv(input.fd());
  }
  run.end();
  report.seconds = watch.seconds();
  return report;
}

}  // namespace herald::import
