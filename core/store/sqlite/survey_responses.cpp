// Survey answers: `survey_response` events read for feedback reports, and
// the sends of the step that asked (the response rate's denominator).
#include <string>

#include "store/sqlite/sqlite_store.hpp"

namespace herald::store::sqlite {

// The events_by_type_contact index (type, contact_id, at_ms, ...) answers
// `type = ?`; the sort is over one survey's answers only. A score counts
// when the property is a whole number (9 or 9.0: a CSV `score:number`
// column), or a text of digits (an untyped CSV column).
void SqliteStore::forEachSurveyResponse(const SurveyResponseFilter& filter,
                                        const std::function<void(const SurveyResponse&)>& each) {
  auto q = db_.query(R"sql(
    WITH r AS (
      SELECT e.id, e.contact_id, e.at_ms, e.properties AS p FROM events e
      WHERE e.type = 'survey_response'
        AND (?1 IS NULL OR e.at_ms >= ?1) AND (?2 IS NULL OR e.at_ms < ?2))
    SELECT r.id, r.contact_id, r.at_ms,
           coalesce(c.external_id, ''), coalesce(c.email, ''),
           CASE json_type(r.p, '$.score')
             WHEN 'integer' THEN json_extract(r.p, '$.score')
             WHEN 'real' THEN CASE WHEN json_extract(r.p, '$.score') =
                                        CAST(json_extract(r.p, '$.score') AS INTEGER)
                                   THEN CAST(json_extract(r.p, '$.score') AS INTEGER) END
             WHEN 'text' THEN CASE WHEN json_extract(r.p, '$.score') GLOB '[0-9]*'
                                    AND NOT json_extract(r.p, '$.score') GLOB '*[^0-9]*'
                                   THEN CAST(json_extract(r.p, '$.score') AS INTEGER) END
           END,
           coalesce(json_extract(r.p, '$.scale'), ''),
           coalesce(json_extract(r.p, '$.comment'), ''),
           coalesce(json_extract(r.p, '$.survey'), ''),
           coalesce(json_extract(r.p, '$.workflow'), ''),
           coalesce(json_extract(r.p, '$.revision'), ''),
           coalesce(json_extract(r.p, '$.step'), ''),
           coalesce(json_extract(r.p, '$.variant'), ''),
           coalesce(json_extract(r.p, '$.send'), '')
    FROM r LEFT JOIN contacts c ON c.id = r.contact_id
    WHERE (?3 = '' OR json_extract(r.p, '$.survey') = ?3)
      AND (?4 = '' OR json_extract(r.p, '$.workflow') = ?4)
    ORDER BY r.at_ms, r.id)sql");
  if (filter.since_ms) q.bindInt(1, *filter.since_ms);
  if (filter.until_ms) q.bindInt(2, *filter.until_ms);
  q.bindText(3, filter.survey).bindText(4, filter.workflow);
  SurveyResponse r;
  while (q.step()) {
    r.event_id = q.colInt(0);
    r.contact_id = q.colInt(1);
    r.at_ms = q.colInt(2);
    r.contact_external_id = q.colText(3);
    r.contact_email = q.colText(4);
    r.score = q.isNull(5) ? std::nullopt : std::optional<int64_t>(q.colInt(5));
    r.scale = q.colText(6);
    r.comment = q.colText(7);
    r.survey = q.colText(8);
    r.workflow = q.colText(9);
    r.revision = q.colText(10);
    r.step = q.colText(11);
    r.variant = q.colText(12);
    r.send = q.colText(13);
    each(r);
  }
}

// send_ledger_by_workflow_contact (workflow, ...) narrows to the workflow.
int64_t SqliteStore::sentByStep(const std::string& workflow, const std::string& step_id) {
  auto q = db_.query(
      "SELECT count(*) FROM send_ledger WHERE workflow = ?1 AND step_id = ?2 AND status = 'sent'");
  q.bindText(1, workflow).bindText(2, step_id);
  q.step();
  return q.colInt(0);
}

}  // namespace herald::store::sqlite
