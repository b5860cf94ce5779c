// herald products import: read, validate, upsert into the catalog in one
// transaction, and commit only when every row is good (or --skip-invalid).
// A catalog is small (thousands of rows, not millions), so this reads and
// stores on one thread.
#include "import/product_mapper.hpp"
#include "import/serial_run.hpp"

namespace herald::import {
namespace {

struct ProductKind {
  using Mapper = ProductMapper;
  using Row = store::Product;
  using Import = store::ProductImport;
  static constexpr std::string_view kFirstColumns = "(id, name, ...)";

  std::unique_ptr<Import> begin(store::Store& store) { return store.beginProductImport(); }

  bool write(Import& import, Row& product, std::string_view, Problems&) {
    import.upsert(product);
    return true;
  }

  void finish(Import& import, ImportReport& report) {
    report.created = import.createdCount();
    report.updated = import.updatedCount();
  }
};

}  // namespace

ImportReport importProducts(store::Store& store, const ImportOptions& options) {
  return runSerialImport(store, options, ProductKind{}, ProductMapper(options.now_ms));
}

}  // namespace herald::import
