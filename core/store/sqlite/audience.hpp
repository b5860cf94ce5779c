#pragma once
// Compiles the simple audience filter to a SQL condition over `contacts c`
// with every value as a bound parameter.
#include <string>
#include <vector>

#include "store/records.hpp"
#include "store/sqlite/db.hpp"

namespace herald::store::sqlite {

struct CompiledFilter {
  std::string where;  // "1" when there are no conditions
  // Values for ?first, ?first+1, ... in order.
  std::vector<nlohmann::json> params;
  void bind(Query& q, int first) const;
};

// Throws StoreError naming the field or operator it does not know.
CompiledFilter compileFilter(const AudienceFilter& filter, int first_param);

}  // namespace herald::store::sqlite
