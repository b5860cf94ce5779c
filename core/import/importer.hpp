#pragma once
// Contact and event import from CSV or JSON Lines: streaming (constant
// memory), validated row by row, all or nothing by default. The file format
// is documented for marketers in docs/import.md.
#include <cstdint>
#include <functional>
#include <string>

#include "store/store.hpp"
#include "util/diagnostic.hpp"

namespace herald::import {

enum class Format { kAuto, kCsv, kJsonLines };

struct ImportOptions {
  std::string path;               // the file; "-" reads standard input
  Format format = Format::kAuto;  // kAuto: by extension (.jsonl/.ndjson), else by content
  bool skip_invalid = false;      // store the valid rows and list the others
  bool dry_run = false;           // check everything, then roll back
  int64_t now_ms = 0;             // consent time when the file gives none
  size_t max_listed = 50;         // problems reported in full; the rest are counted
  std::function<void(int64_t rows)> progress;  // called every 100,000 rows
};

struct ImportReport {
  int64_t rows = 0;          // data rows read (good and bad)
  int64_t stored = 0;        // rows written (contacts upserted / events inserted)
  int64_t created = 0;       // contacts or products
  int64_t updated = 0;       // contacts or products
  int64_t duplicates = 0;    // events whose event_id was already stored
  int64_t suppressed = 0;    // contacts not stored: email or phone on the suppression list
  int64_t invalid_rows = 0;  // rows with at least one problem
  bool fatal = false;        // the file could not be read (to its end)
  bool committed = false;    // the store was changed
  Diagnostics problems;      // the first max_listed problems
  int64_t unlisted = 0;      // problems beyond those
  double seconds = 0;
};

// Throws store::StoreError when the store cannot be written (locked, full).
ImportReport importContacts(store::Store& store, const ImportOptions& options);
ImportReport importEvents(store::Store& store, const ImportOptions& options);
// The product catalog (docs/import.md, "Products"): upserts by product id;
// created/updated count products.
ImportReport importProducts(store::Store& store, const ImportOptions& options);

}  // namespace herald::import
