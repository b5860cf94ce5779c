#include "template/filters.hpp"

// TEMPORARY STUB (lead): replaced by the filter library.
namespace herald::tmpl {

const FilterSpec* findFilter(std::string_view) { return nullptr; }
std::span<const FilterSpec> allFilters() { return {}; }

}  // namespace herald::tmpl
