#pragma once
// The embedded SQLite backend of the Store. The methods are implemented in
// one file per concern: contacts.cpp, runs.cpp, journeys.cpp, ledger.cpp,
// kv.cpp; the importers in contact_import.cpp and event_import.cpp.
#include <string>

#include "store/sqlite/db.hpp"
#include "store/sqlite/experiments.hpp"
#include "store/sqlite/rfm_cache.hpp"
#include "store/store.hpp"

namespace herald::store::sqlite {

// The columns readContact() expects, for "SELECT <kContactColumns> FROM
// contacts c ...". Tags and the current consent per channel come along as
// JSON arrays, so a batch of contacts is one query, not one per contact.
extern const char* const kContactColumns;
// Reads the kContactColumns columns starting at `first`.
Contact readContact(const Query& q, int first);

int64_t systemNowMs();
// The claim owner of a process that did not name one (setClaimOwner).
std::string cliClaimOwner();

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(const std::string& path);

  std::unique_ptr<ContactImport> beginContactImport() override;
  std::unique_ptr<EventImport> beginEventImport() override;
  std::unique_ptr<ContactImport> beginBulkContactImport() override;
  std::optional<Contact> contactById(int64_t id) override;
  std::optional<Contact> contactByExternalId(const std::string& external_id) override;
  std::optional<Contact> contactByEmail(const std::string& email) override;
  std::vector<Contact> contactsByPhone(const std::string& phone) override;
  int64_t contactCount() override;
  int64_t eventCount() override;
  std::vector<Event> eventsOf(int64_t contact_id) override;

  // products.cpp
  std::unique_ptr<ProductImport> beginProductImport() override;
  int64_t productCount() override;
  std::vector<Product> productsByIds(std::span<const std::string> ids) override;
  std::vector<Product> listProducts(int64_t limit, const std::string& after_id) override;
  void forEachPurchase(const std::function<void(const Purchase&)>& fn) override;

  // survey_responses.cpp
  void forEachSurveyResponse(const SurveyResponseFilter& filter,
                             const std::function<void(const SurveyResponse&)>& each) override;
  int64_t sentByStep(const std::string& workflow, const std::string& step_id) override;

  // segments.cpp
  int64_t segmentCount(const segment::Rule& rule, const segment::EvalContext& ctx) override;
  std::vector<Contact> segmentSample(const segment::Rule& rule, const segment::EvalContext& ctx,
                                     int limit) override;
  void segmentEach(const segment::Rule& rule, const segment::EvalContext& ctx,
                   const std::function<void(const Contact&)>& each) override;
  std::vector<int64_t> segmentMembers(const segment::Rule& rule,
                                      const segment::EvalContext& ctx) override;
  std::vector<bool> segmentMatch(const segment::Rule& rule, const segment::EvalContext& ctx,
                                 std::span<const int64_t> contact_ids) override;
  SegmentPlan explainSegment(const segment::Rule& rule, const segment::EvalContext& ctx) override;
  std::vector<RfmScore> rfmScores(const segment::RfmOptions& options,
                                  const segment::EvalContext& ctx) override;
  // How many times segmentMatch() ranked RFM scores into its reuse cache.
  int64_t rfmComputations() const { return rfm_cache_.computations(); }
  // template_fields.cpp
  std::optional<EmptyCount> countEmptyField(const segment::Rule* rule, const std::string& field,
                                            const segment::EvalContext& ctx) override;

  // rights.cpp
  std::optional<nlohmann::json> exportContact(int64_t contact_id) override;
  std::optional<ErasureReport> eraseContact(int64_t contact_id,
                                            const std::vector<std::string>& keep_event_properties,
                                            int64_t now_ms) override;
  Suppression suppressAddress(const std::string& kind, const std::string& address,
                              const std::string& reason, int64_t now_ms) override;
  bool isSuppressed(const std::string& kind, const std::string& address) override;

  void saveWorkflowRevision(const WorkflowRevision& rev) override;
  std::optional<WorkflowRevision> workflowRevision(const std::string& workflow,
                                                   const std::string& revision) override;
  std::optional<Run> findResumableRun(const std::string& workflow, const std::string& revision,
                                      bool dry_run) override;
  Run createRun(const std::string& workflow, const std::string& revision,
                const std::string& trigger, bool dry_run, int64_t now_ms) override;
  void setRunStatus(int64_t run_id, RunStatus status, int64_t now_ms) override;
  std::optional<Run> runById(int64_t run_id) override;
  std::vector<Run> listRuns(int limit) override;
  std::optional<Run> lastRun(const std::string& workflow) override;
  int64_t enrollAudience(int64_t run_id, const std::string& first_step,
                         const segment::Rule* audience, const segment::EvalContext& ctx,
                         std::optional<int64_t> limit, int64_t now_ms) override;
  int64_t enrollContact(int64_t run_id, const std::string& first_step, int64_t contact_id,
                        int64_t now_ms) override;

  // scheduler.cpp
  int64_t enrollEntries(int64_t run_id, const std::string& first_step, const Reentry& reentry,
                        std::span<const EntryRequest> entries, int64_t now_ms) override;
  std::unique_ptr<EventIngest> beginEventIngest() override;
  void setClaimOwner(const std::string& owner, int64_t lease_ms) override;
  std::optional<int64_t> nextWakeMs(int64_t after_ms) override;
  std::vector<int64_t> runsWithDueJourneys(int64_t now_ms) override;
  int64_t journeysWaiting() override;
  JourneySummary workflowJourneys(const std::string& workflow) override;
  std::optional<Run> findRunByTrigger(const std::string& workflow, const std::string& revision,
                                      const std::string& trigger) override;
  std::optional<TriggerState> triggerState(const std::string& workflow) override;
  void initTrigger(const std::string& workflow, int64_t last_fire_ms, int64_t now_ms) override;
  void setTriggerPaused(const std::string& workflow, bool paused, int64_t now_ms) override;
  std::optional<Run> fireSchedule(const Firing& firing) override;
  bool cancelRun(int64_t run_id, int64_t now_ms) override;

  std::vector<DueJourney> dueJourneys(int64_t run_id, const std::string& step_id, int64_t now_ms,
                                      int limit) override;
  std::vector<std::string> stepsWithDueJourneys(int64_t run_id, int64_t now_ms) override;
  int64_t wakeDueJourneys(int64_t run_id, int64_t now_ms) override;
  JourneySummary journeySummary(int64_t run_id) override;
  void commitBatch(const BatchCommit& batch) override;
  std::vector<StepCount> stepCounts(int64_t run_id) override;
  std::vector<JourneyFailure> failures(int64_t run_id, int limit) override;
  std::vector<ExitCount> exitCounts(int64_t run_id) override;

  std::vector<Claim> claimDeliveries(std::span<const LedgerEntry> wanted) override;
  std::optional<LedgerEntry> ledgerEntry(const LedgerKey& key) override;
  int64_t ledgerCount(const std::string& workflow) override;
  int64_t recentSends(int64_t contact_id, const std::string& channel, int64_t since_ms) override;
  int64_t markInterruptedSends(int64_t run_id, int64_t now_ms) override;
  std::optional<std::string> deliveryEvidence(const LedgerKey& key) override;
  std::vector<LedgerEntry> listLedger(const LedgerFilter& filter) override;

  ExperimentStore& experiments() override { return experiments_; }

  std::optional<std::string> kvGet(const std::string& ns, const std::string& key) override;
  void kvPut(const std::string& ns, const std::string& key, const std::string& value) override;
  bool kvDelete(const std::string& ns, const std::string& key) override;

  // handovers.cpp
  std::optional<Handover> handover(int64_t run_id, const std::string& step_id,
                                   const std::string& batch_hash) override;
  void recordHandover(const Handover& h, int64_t now_ms) override;
  void clearHandover(int64_t run_id, const std::string& step_id,
                     const std::string& batch_hash) override;
  void quarantineHandover(int64_t run_id, const std::string& step_id, const std::string& batch_hash,
                          int64_t now_ms) override;
  std::vector<Handover> quarantinedBatches(const std::string& workflow) override;

 private:
  bool applyMove(const BatchCommit& batch, const JourneyMove& move);
  void upsertLedger(const LedgerEntry& e, int64_t now_ms);

  Db db_;
  // Due-work claims (setClaimOwner): a CLI process gets a name of its own.
  std::string claim_owner_;
  int64_t claim_lease_ms_ = 15 * 60'000;
  SqliteExperimentStore experiments_{db_};
  RfmCache rfm_cache_{db_};  // after db_: drops its tables before the connection closes
};

}  // namespace herald::store::sqlite
