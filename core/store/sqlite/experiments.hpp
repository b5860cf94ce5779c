#pragma once
// The SQLite ExperimentStore (migration 8), owned by SqliteStore and sharing
// its connection.
#include "store/experiments.hpp"
#include "store/sqlite/db.hpp"

namespace herald::store::sqlite {

class SqliteExperimentStore final : public ExperimentStore {
 public:
  explicit SqliteExperimentStore(Db& db) : db_(db) {}

  void registerExperiment(const ExperimentRecord& r) override;
  std::optional<ExperimentRecord> experiment(const std::string& key) override;
  std::vector<ExperimentRecord> listExperiments() override;
  std::vector<ExperimentAssignment> assign(const std::string& key,
                                           std::span<const ExperimentAssignment> wanted) override;
  std::vector<ExperimentAssignment> assignments(const std::string& key) override;
  std::optional<ExperimentDecision> decision(const std::string& key) override;
  ExperimentDecision recordDecision(const ExperimentDecision& d) override;
  void stopVariant(const std::string& key, const VariantStop& stop) override;
  std::vector<VariantStop> stoppedVariants(const std::string& key) override;
  std::vector<VariantCounts> goalCounts(const std::string& key, const GoalQuery& q) override;
  std::vector<std::vector<VariantCounts>> goalCountsBatch(
      const std::string& key, std::span<const GoalQuery> goals) override;

 private:
  Db& db_;
};

}  // namespace herald::store::sqlite
