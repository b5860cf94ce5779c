// herald contacts import: read, validate, upsert, and commit only when every
// row is good (or --skip-invalid).
#include <fmt/format.h>

#include "import/contact_mapper.hpp"
#include "import/csv_reader.hpp"
#include "import/importer.hpp"
#include "import/input.hpp"
#include "import/jsonl_reader.hpp"

namespace herald::import {
namespace {

class ContactRun {
 public:
  ContactRun(store::Store& store, const ImportOptions& options, const Input& input,
             ImportReport& report, bool bulk)
      : bulk_(bulk),
        options_(options),
        report_(report),
        sink_(input.name(), options.max_listed, report),
        mapper_("import:" + input.baseName(), options.now_ms, zones_),
        store_(store) {}

  void csv(int fd) {
    CsvReader reader(fd);
    CsvReader::Record rec;
    auto status = reader.next(rec);
    if (status == CsvReader::Status::kEnd) {
      sink_.add(1, 0, "the file is empty: the first row must name the columns (email, ...)");
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
      mapper_.mapRow(rec.fields, contact_, problems_);
      store(rec.line, mapper_.emailColumn(), "column", &mapper_.attributesJson());
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
      mapper_.mapObject(obj, line, contact_, problems_);
      store(number, keyColumn(line, "email"), "field", nullptr);
    }
  }

  // Throws store::BulkLoadConflict (rolled back) when a bulk load must be
  // redone row by row.
  void end() {
    if (!import_) return;
    import_->check();
    report_.created = import_->createdCount();
    report_.updated = import_->updatedCount();
    bool ok = !report_.fatal && (report_.invalid_rows == 0 || options_.skip_invalid);
    if (ok && !options_.dry_run) {
      import_->commit();
      report_.committed = true;
    }
    import_.reset();  // rolls back unless committed
  }

 private:
  void begin() { import_ = bulk_ ? store_.beginBulkContactImport() : store_.beginContactImport(); }

  void tick() {
    ++report_.rows;
    if (options_.progress && report_.rows % kProgressEvery == 0) options_.progress(report_.rows);
  }

  // `attributes`: the row's attributes as JSON text (CSV), else null: they
  // are in contact_.attributes.
  void store(int64_t line, int email_column, std::string_view noun, const std::string* attributes) {
    if (!problems_.empty()) {
      sink_.row(line, problems_);
      return;
    }
    try {
      if (attributes != nullptr) {
        import_->upsertWithAttributes(contact_, *attributes);
      } else {
        import_->upsert(contact_);
      }
      ++report_.stored;
    } catch (const store::ContactConflict& e) {
      problems_.push_back({email_column, fmt::format("{} 'email': {}", noun, e.what())});
      sink_.row(line, problems_);
    }
  }

  bool bulk_;
  const ImportOptions& options_;
  ImportReport& report_;
  ProblemSink sink_;
  TimeZones zones_;
  ContactMapper mapper_;
  store::Store& store_;
  std::unique_ptr<store::ContactImport> import_;
  store::Contact contact_;
  Problems problems_;
};

}  // namespace

ImportReport importContacts(store::Store& store, const ImportOptions& options) {
  Stopwatch watch;
  ImportReport report;
  Input input(options, report);
  if (!input.ok()) return report;
  // A file can be read again, so try the bulk load first: into an empty
  // store it is several times faster. If the file repeats a key (the same
  // person twice), read it again and upsert row by row.
  for (bool bulk : {input.seekable(), false}) {
    try {
      ContactRun run(store, options, input, report, bulk);
      if (input.format() == Format::kJsonLines) {
        run.jsonLines(input.fd());
      } else {
        run.csv(input.fd());
      }
      run.end();
      break;
    } catch (const store::BulkLoadConflict&) {
      report = ImportReport{};
      if (!input.rewind()) throw;
    }
  }
  report.seconds = watch.seconds();
  return report;
}

}  // namespace herald::import
