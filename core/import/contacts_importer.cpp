// herald contacts import: read, validate, upsert, and commit only when every
// row is good (or --skip-invalid).
#include <fmt/format.h>

#include "import/contact_mapper.hpp"
#include "import/csv_reader.hpp"
#include "import/importer.hpp"
#include "import/input.hpp"
#include "import/jsonl_reader.hpp"
#include "import/pipeline.hpp"

namespace herald::import {
namespace {

// A CSV row as the reading thread hands it over.
struct ParsedRow {
  CsvReader::Status kind = CsvReader::Status::kRecord;
  int64_t line = 0;
  store::Contact contact;
  std::string attributes;  // JSON object text
  Problems problems;
};

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
    // The worker thread reads and validates rows; this thread stores them.
    const size_t columns = mapper_.columnCount();
    bool ended = false;
    Pipeline<ParsedRow> pipeline;
    pipeline.run(
        [&](ParsedRow& row) {
          if (ended) return false;
          row.problems.clear();
          status = reader.next(rec);
          switch (status) {
            case CsvReader::Status::kEnd:
              return false;
            case CsvReader::Status::kFatal:
              ended = true;  // nothing after this can be read
              [[fallthrough]];
            case CsvReader::Status::kBad:
              row.kind = status;
              row.line = reader.error().line;
              row.problems.push_back({reader.error().column, reader.error().message});
              return true;
            case CsvReader::Status::kRecord:
              break;
          }
          row.kind = status;
          row.line = rec.line;
          if (rec.fields.size() != columns) {
            row.problems.push_back(
                columnCountProblem(rec.fields.size(), columns, mapper_.headers()));
            return true;
          }
          mapper_.mapRow(rec.fields, row.contact, row.problems);
          row.attributes.swap(mapper_.attributesJson());
          return true;
        },
        [&](ParsedRow& row) {
          if (row.kind == CsvReader::Status::kFatal) {
            sink_.add(row.line, row.problems[0].column, std::move(row.problems[0].message));
            report_.fatal = true;
            return;
          }
          tick();
          store(row.line, row.contact, row.problems, mapper_.emailColumn(), "column",
                &row.attributes);
        });
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
      if (auto deep = jsonNestingProblem(line)) {
        problems_.push_back(std::move(*deep));
        sink_.row(number, problems_);
        continue;
      }
      auto obj = nlohmann::json::parse(line, nullptr, false);
      if (obj.is_discarded()) {
        problems_.push_back(jsonSyntaxProblem(line));
        sink_.row(number, problems_);
        continue;
      }
      mapper_.mapObject(obj, line, contact_, problems_);
      store(number, contact_, problems_, keyColumn(line, "email"), "field", nullptr);
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
  // are in contact.attributes.
  void store(int64_t line, const store::Contact& contact, Problems& problems, int email_column,
             std::string_view noun, const std::string* attributes) {
    if (!problems.empty()) {
      sink_.row(line, problems);
      return;
    }
    try {
      const int64_t id = attributes != nullptr ? import_->upsertWithAttributes(contact, *attributes)
                                               : import_->upsert(contact);
      // 0: the address is on the suppression list; not stored, not an error.
      if (id == 0) {
        ++report_.suppressed;
      } else {
        ++report_.stored;
      }
    } catch (const store::ContactConflict& e) {
      problems.push_back({email_column, fmt::format("{} 'email': {}", noun, e.what())});
      sink_.row(line, problems);
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
