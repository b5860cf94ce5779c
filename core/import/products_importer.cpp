// herald products import: read, validate, upsert into the catalog in one
// transaction, and commit only when every row is good (or --skip-invalid).
// A catalog is small (thousands of rows, not millions), so this reads and
// stores on one thread.
#include <fmt/format.h>

#include "import/csv_reader.hpp"
#include "import/importer.hpp"
#include "import/input.hpp"
#include "import/jsonl_reader.hpp"
#include "import/product_mapper.hpp"

namespace herald::import {
namespace {

class ProductRun {
 public:
  ProductRun(store::Store& store, const ImportOptions& options, const Input& input,
             ImportReport& report)
      : options_(options),
        report_(report),
        sink_(input.name(), options.max_listed, report),
        mapper_(options.now_ms),
        store_(store) {}

  void csv(int fd) {
    CsvReader reader(fd);
    CsvReader::Record rec;
    auto status = reader.next(rec);
    if (status == CsvReader::Status::kEnd) {
      sink_.add(1, 0, "the file is empty: the first row must name the columns (id, name, ...)");
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
    import_ = store_.beginProductImport();
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
      if (rec.fields.size() != mapper_.columnCount()) {
        problems_.push_back(
            columnCountProblem(rec.fields.size(), mapper_.columnCount(), mapper_.headers()));
        sink_.row(rec.line, problems_);
        continue;
      }
      mapper_.mapRow(rec.fields, product_, problems_);
      store(rec.line);
    }
  }

  void jsonLines(int fd) {
    JsonLinesReader reader(fd);
    import_ = store_.beginProductImport();
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
      mapper_.mapObject(obj, line, product_, problems_);
      store(number);
    }
  }

  void end() {
    if (!import_) return;
    report_.created = import_->createdCount();
    report_.updated = import_->updatedCount();
    const bool ok = !report_.fatal && (report_.invalid_rows == 0 || options_.skip_invalid);
    if (ok && !options_.dry_run) {
      import_->commit();
      report_.committed = true;
    }
    import_.reset();  // rolls back unless committed
  }

 private:
  void tick() {
    ++report_.rows;
    if (options_.progress && report_.rows % kProgressEvery == 0) options_.progress(report_.rows);
  }

  void store(int64_t line) {
    if (!problems_.empty()) {
      sink_.row(line, problems_);
      return;
    }
    import_->upsert(product_);
    ++report_.stored;
  }

  const ImportOptions& options_;
  ImportReport& report_;
  ProblemSink sink_;
  ProductMapper mapper_;
  store::Store& store_;
  std::unique_ptr<store::ProductImport> import_;
  store::Product product_;
  Problems problems_;
};

}  // namespace

ImportReport importProducts(store::Store& store, const ImportOptions& options) {
  Stopwatch watch;
  ImportReport report;
  Input input(options, report);
  if (!input.ok()) return report;
  ProductRun run(store, options, input, report);
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
