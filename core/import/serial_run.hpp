#pragma once
// The driver shared by the imports that read and store on one thread
// (events, products): CSV or JSON Lines rows through a mapper into one store
// transaction, problems to the report, committed only when every row is good
// (or --skip-invalid) and not a dry run. Contacts, the big one, use the
// two-thread Pipeline instead.
//
// Kind provides:
//   using Mapper, Row, Import;                 // the mapper, its row, the store's import
//   static constexpr std::string_view kFirstColumns;   // "(type, at, ...)" for an empty file
//   std::unique_ptr<Import> begin(store::Store&);
//   bool write(Import&, Row&, std::string_view noun, Problems&);  // false: problems added
//   void finish(Import&, ImportReport&);       // counts into the report, before the commit
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "import/csv_reader.hpp"
#include "import/importer.hpp"
#include "import/input.hpp"
#include "import/jsonl_reader.hpp"

namespace herald::import {

template <typename Kind>
class SerialRun {
 public:
  SerialRun(store::Store& store, const ImportOptions& options, const Input& input,
            ImportReport& report, Kind kind, typename Kind::Mapper mapper)
      : options_(options),
        report_(report),
        sink_(input.name(), options.max_listed, report),
        store_(store),
        kind_(std::move(kind)),
        mapper_(std::move(mapper)) {}

  void csv(int fd) {
    CsvReader reader(fd);
    CsvReader::Record rec;
    auto status = reader.next(rec);
    if (status == CsvReader::Status::kEnd) {
      sink_.add(1, 0,
                std::string("the file is empty: the first row must name the columns ") +
                    std::string(Kind::kFirstColumns));
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
    import_ = kind_.begin(store_);
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
    import_ = kind_.begin(store_);
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
      mapper_.mapObject(obj, line, row_, problems_);
      store(number, "field");
    }
  }

  void end() {
    if (!import_) return;
    kind_.finish(*import_, report_);
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

  // `noun` names what a row's parts are called in messages: "column" (CSV)
  // or "field" (JSON Lines).
  void store(int64_t line, std::string_view noun) {
    if (problems_.empty() && kind_.write(*import_, row_, noun, problems_)) {
      ++report_.stored;
      return;
    }
    sink_.row(line, problems_);
  }

  const ImportOptions& options_;
  ImportReport& report_;
  ProblemSink sink_;
  store::Store& store_;
  Kind kind_;
  typename Kind::Mapper mapper_;
  std::unique_ptr<typename Kind::Import> import_;
  typename Kind::Row row_;
  Problems problems_;
};

// Opens the input and runs a SerialRun of `kind` over it.
template <typename Kind>
ImportReport runSerialImport(store::Store& store, const ImportOptions& options, Kind kind,
                             typename Kind::Mapper mapper) {
  Stopwatch watch;
  ImportReport report;
  Input input(options, report);
  if (!input.ok()) return report;
  SerialRun<Kind> run(store, options, input, report, std::move(kind), std::move(mapper));
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
