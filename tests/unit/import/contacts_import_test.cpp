#include "import_fixture.hpp"

namespace herald::import::testing {
namespace {

using Lines = std::vector<std::string>;
using ContactsImport = ImportTest;

const char* kHeader =
    "external_id,email,phone,first_name,last_name,timezone,locale,age:number,signed_up:date,"
    "vip:boolean,interests:tags,tags,consent_email,consent_email_source,consent_email_at\n";

TEST_F(ContactsImport, AGoodFileIsStoredWithTypes) {
  auto path = file("c.csv", std::string(kHeader) +
                                "C1,Ann@Example.com,+1 415 555 0100,Ann,Lee,America/New_York,"
                                "en_us,34,2021-03-04,yes,golf|jazz,vip;beta,yes,signup-form,"
                                "2021-03-04T10:00:00Z\n"
                                "C2,bo@example.com,,\"Bo, Jr.\",\"O'Neil \"\"Bo\"\"\",Asia/Seoul,"
                                "ko-KR,,,,,,no,,\n");
  auto r = contacts(path);
  EXPECT_EQ(lines(r), Lines{});
  EXPECT_TRUE(r.committed);
  EXPECT_EQ(r.rows, 2);
  EXPECT_EQ(r.created, 2);
  auto c = store().contactByExternalId("C1");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->email, "ann@example.com");
  EXPECT_EQ(c->phone, "+14155550100");
  EXPECT_EQ(c->locale, "en-US");
  EXPECT_EQ(c->attributes, (nlohmann::json{{"age", 34},
                                           {"signed_up", "2021-03-04"},
                                           {"vip", true},
                                           {"interests", {"golf", "jazz"}}}));
  EXPECT_EQ(c->tags, (std::vector<std::string>{"beta", "vip"}));
  ASSERT_EQ(c->consents.size(), 1u);
  EXPECT_EQ(c->consents[0].source, "signup-form");
  EXPECT_EQ(c->consents[0].at_ms, 1614852000000);
  auto bo = store().contactByExternalId("C2");
  EXPECT_EQ(bo->first_name, "Bo, Jr.");
  EXPECT_EQ(bo->last_name, "O'Neil \"Bo\"");
  EXPECT_EQ(bo->attributes, nlohmann::json::object());
  ASSERT_EQ(bo->consents.size(), 1u);
  EXPECT_FALSE(bo->consents[0].granted);
  EXPECT_EQ(bo->consents[0].source, "import:c.csv");  // the default source
  EXPECT_EQ(bo->consents[0].at_ms, 1748736000000);    // the import time
}

TEST_F(ContactsImport, EveryBadValueIsReportedAtItsRowAndColumn) {
  auto path =
      file("bad.csv", std::string(kHeader) +
                          "C1,bob@@example,555-1234,Bob,B,Europe/Pariss,english,abc,31/12/2024,"
                          "maybe,,,perhaps,,yesterday\n"
                          "C2,ok@example.com,,,,,,\"1,5\",2024-02-30,,,,,,\n"
                          "C3,short@example.com\n"
                          ",,,,,,,,,,,,,,\n");
  auto r = contacts(path);
  EXPECT_FALSE(r.committed);
  EXPECT_EQ(r.invalid_rows, 4);
  EXPECT_EQ(
      lines(r),
      (Lines{
          "bad.csv:2:2: error: column 'email': 'bob@@example' is not a valid email address",
          "bad.csv:2:3: error: column 'phone': '555-1234' is not an international phone number "
          "(write +, the country code and the number, e.g. +14155550123)",
          "bad.csv:2:6: error: column 'timezone': 'Europe/Pariss' is not a known time zone (did "
          "you mean 'Europe/Paris'?)",
          "bad.csv:2:7: error: column 'locale': 'english' is not a locale (use a language tag such "
          "as en-US, de-DE or ko-KR)",
          "bad.csv:2:8: error: column 'age:number': 'abc' is not a number",
          "bad.csv:2:9: error: column 'signed_up:date': '31/12/2024' is not a date (write "
          "YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SSZ for a date and time)",
          "bad.csv:2:10: error: column 'vip:boolean': 'maybe' is not a boolean (write true or "
          "false, yes or no, 1 or 0)",
          "bad.csv:2:13: error: column 'consent_email': 'perhaps' is not a consent answer (write "
          "yes or no; granted/revoked, opt-in/opt-out and true/false work too)",
          "bad.csv:2:15: error: column 'consent_email_at': 'yesterday' is not a time (write "
          "YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)",
          "bad.csv:3:8: error: column 'age:number': '1,5' is not a number (write the decimal "
          "separator as '.', with no thousands separator)",
          "bad.csv:3:9: error: column 'signed_up:date': '2024-02-30' is not a date (write "
          "YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SSZ for a date and time)",
          "bad.csv:4:3: error: the row has 2 columns but the header has 15 (it ends before "
          "'phone'; a missing comma, or an unquoted line break?)",
          "bad.csv:5:1: error: the row has neither an external_id nor an email; a contact needs "
          "one",
      }));
  EXPECT_EQ(store().contactCount(), 0);
}

TEST_F(ContactsImport, QuoteProblems) {
  auto path = file("q.csv",
                   "email,first_name\n"
                   "a@example.com,Bob \"the\" Builder\n"
                   "b@example.com,\"Bob\" Builder\n"
                   "c@example.com,a,b\n"
                   "d@example.com,\"never closed\n"
                   "e@example.com,Eve\n");
  auto r = contacts(path);
  EXPECT_TRUE(r.fatal);
  EXPECT_EQ(
      lines(r),
      (Lines{"q.csv:2:2: error: a '\"' inside a field that does not start with a quote; enclose "
             "the whole field in double quotes and double the quotes inside (\"\")",
             "q.csv:3:2: error: a space after the closing quote of a quoted field; a quote inside "
             "a quoted field must be doubled (\"\")",
             "q.csv:4:3: error: the row has 3 columns but the header has 2 (an unquoted comma in "
             "a value? Quote values that contain commas: \"Smith, Jr.\")",
             "q.csv:5:2: error: a quoted field starts here but its closing quote is missing"}));
  EXPECT_EQ(store().contactCount(), 0);
}

TEST_F(ContactsImport, HeaderProblemsStopBeforeAnyRow) {
  auto r = contacts(
      file("h.csv", "first_name,age:numbr,consent_sms_at,phone:number,first_name\nA,1,,,\n"));
  EXPECT_TRUE(r.fatal);
  EXPECT_EQ(lines(r),
            (Lines{"h.csv:1:2: error: unknown type 'numbr' in column 'age:numbr' (known types: "
                   "string, number, date, boolean, tags; write NAME:TYPE, e.g. age:number)",
                   "h.csv:1:4: error: column 'phone:number': 'phone' is a built-in field and "
                   "cannot take the type number",
                   "h.csv:1:5: error: column 'first_name' repeats column 1 ('first_name')",
                   "h.csv:1:3: error: column 'consent_sms_at' has no 'consent_sms' column to go "
                   "with it",
                   "h.csv:1: error: the header has neither an 'external_id' nor an 'email' "
                   "column: contacts are matched by one of them, so at least one is required"}));
  EXPECT_EQ(lines(contacts(file("empty.csv", ""))),
            Lines{"empty.csv:1: error: the file is empty: the first row must name the columns "
                  "(email, ...)"});
  EXPECT_EQ(lines(contacts(dir_ / "missing.csv")),
            Lines{"missing.csv: error: cannot open the file: No such file or directory"});
}

TEST_F(ContactsImport, ConsentDetailsWithoutTheAnswerAreAnError) {
  auto r = contacts(
      file("c.csv", "email,consent_email,consent_email_source\na@example.com,,newsletter\n"));
  EXPECT_EQ(lines(r), Lines{"c.csv:2:3: error: column 'consent_email_source' has a value but "
                            "'consent_email' is empty: say whether consent was given (yes or no)"});
}

TEST_F(ContactsImport, InvalidUtf8IsReported) {
  auto r = contacts(file("l1.csv", "email,last_name\na@example.com,M\xfcller\n"));
  EXPECT_EQ(lines(r), Lines{"l1.csv:2:2: error: column 'last_name': the text is not valid UTF-8 "
                            "(save the file as UTF-8)"});
}

TEST_F(ContactsImport, SkipInvalidStoresTheGoodRows) {
  auto path = file("s.csv",
                   "external_id,email,age:number\n"
                   "C1,a@example.com,1\n"
                   "C2,bad@,2\n"
                   "C3,c@example.com,three\n"
                   "C4,d@example.com,4\n");
  auto r = contacts(path, /*skip_invalid=*/true);
  EXPECT_TRUE(r.committed);
  EXPECT_EQ(r.rows, 4);
  EXPECT_EQ(r.stored, 2);
  EXPECT_EQ(r.invalid_rows, 2);
  EXPECT_EQ(lines(r).size(), 2u);
  EXPECT_EQ(store().contactCount(), 2);
  EXPECT_TRUE(store().contactByExternalId("C4"));
  EXPECT_FALSE(store().contactByExternalId("C3"));
}

TEST_F(ContactsImport, DryRunWritesNothing) {
  auto r = contacts(file("d.csv", "email\na@example.com\n"), false, /*dry_run=*/true);
  EXPECT_FALSE(r.committed);
  EXPECT_EQ(r.created, 1);
  EXPECT_EQ(store().contactCount(), 0);
}

TEST_F(ContactsImport, UpsertByExternalIdThenByEmail) {
  contacts(file("1.csv",
                "external_id,email,plan,tags,consent_email\n"
                "C1,ann@example.com,free,a,yes\n"
                ",bob@example.com,free,b,yes\n"));
  auto r = contacts(file("2.csv",
                         "external_id,email,plan,city,tags,consent_email\n"
                         "C1,ann.new@example.com,pro,,c,yes\n"  // by external id; email changes
                         "B1,bob@example.com,,Paris,d,no\n"     // by email; gets an external id
                         "C3,cy@example.com,free,,,\n"));
  EXPECT_EQ(lines(r), Lines{});
  EXPECT_EQ(r.created, 1);
  EXPECT_EQ(r.updated, 2);
  EXPECT_EQ(store().contactCount(), 3);
  auto ann = store().contactByExternalId("C1");
  EXPECT_EQ(ann->email, "ann.new@example.com");
  EXPECT_EQ(ann->attributes, (nlohmann::json{{"plan", "pro"}}));
  EXPECT_EQ(ann->tags, (std::vector<std::string>{"a", "c"}));
  auto bob = store().contactByExternalId("B1");
  ASSERT_TRUE(bob);
  EXPECT_EQ(bob->email, "bob@example.com");
  EXPECT_EQ(bob->attributes, (nlohmann::json{{"plan", "free"}, {"city", "Paris"}}));
  EXPECT_EQ(bob->tags, (std::vector<std::string>{"b", "d"}));
  EXPECT_FALSE(bob->consents.at(0).granted);  // withdrawn
}

TEST_F(ContactsImport, AnEmailTakenByAnotherContactIsABadRow) {
  contacts(file("1.csv", "external_id,email\nA,a@example.com\n"));
  auto r = contacts(file("2.csv", "external_id,email\nB,a@example.com\nC,c@example.com\n"));
  EXPECT_EQ(lines(r), Lines{"2.csv:2:2: error: column 'email': email 'a@example.com' already "
                            "belongs to the contact with external id 'A'; two contacts cannot "
                            "share an email address"});
  EXPECT_FALSE(r.committed);
  EXPECT_EQ(store().contactCount(), 1);
}

TEST_F(ContactsImport, AFirstImportWithRepeatedContactsMergesThem) {
  // An empty store takes the bulk path; a repeated key sends it back to
  // row-by-row upserts, with the same result as a non-empty store.
  auto r = contacts(file("dup.csv",
                         "external_id,email,plan,tags\n"
                         "C1,a@example.com,free,x\n"
                         "C2,b@example.com,free,\n"
                         "C1,a@example.com,pro,y\n"));
  EXPECT_EQ(lines(r), Lines{});
  EXPECT_EQ(r.created, 2);
  EXPECT_EQ(r.updated, 1);
  auto c = store().contactByExternalId("C1");
  EXPECT_EQ(c->attributes, (nlohmann::json{{"plan", "pro"}}));
  EXPECT_EQ(c->tags, (std::vector<std::string>{"x", "y"}));
}

TEST_F(ContactsImport, JsonLines) {
  auto path = file(
      "c.jsonl",
      R"({"external_id": "J1", "email": "J1@example.com", "age:number": "41", "attributes": {"plan": "pro", "score": 9.5}, "tags": ["a", "b"], "consents": {"email": {"granted": true, "source": "form", "at": "2024-01-01T00:00:00Z"}, "sms": false}})"
      "\n\n"
      R"({"external_id": 7, "email": "seven@example.com", "vip": true, "consent_email": "yes"})"
      "\n");
  auto r = contacts(path);
  EXPECT_EQ(lines(r), Lines{});
  auto j1 = store().contactByExternalId("J1");
  ASSERT_TRUE(j1);
  EXPECT_EQ(j1->email, "j1@example.com");
  EXPECT_EQ(j1->attributes, (nlohmann::json{{"age", 41}, {"plan", "pro"}, {"score", 9.5}}));
  EXPECT_EQ(j1->tags, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(j1->consents.size(), 2u);
  EXPECT_EQ(j1->consents[0].channel, "email");
  EXPECT_EQ(j1->consents[0].source, "form");
  EXPECT_FALSE(j1->consents[1].granted);
  auto seven = store().contactByExternalId("7");
  ASSERT_TRUE(seven);
  EXPECT_EQ(seven->attributes, (nlohmann::json{{"vip", true}}));
  EXPECT_TRUE(seven->consents.at(0).granted);
}

TEST_F(ContactsImport, JsonLinesProblemsPointAtTheKey) {
  auto path = file("bad.jsonl",
                   "{\"email\": \"ok@example.com\"}\n"
                   "{\"email\": \"x@@y\", \"age:number\": \"old\"}\n"
                   "{\"email\": \"a@example.com\", \"tags\": [1]}\n"
                   "{\"email\": \"b@example.com\",}\n"
                   "[1, 2]\n");
  auto r = contacts(path);
  EXPECT_EQ(
      lines(r),
      (Lines{"bad.jsonl:2:2: error: field 'email': 'x@@y' is not a valid email address",
             "bad.jsonl:2:19: error: field 'age:number': 'old' is not a number",
             "bad.jsonl:3:28: error: field 'tags': tags must be strings, not '1'",
             "bad.jsonl:4:27: error: not valid JSON: syntax error while parsing object key "
             "- unexpected '}'; expected string literal",
             "bad.jsonl:5:1: error: each line must be a JSON object ({\"email\": ..., ...})"}));
}

TEST_F(ContactsImport, TheListOfProblemsIsCapped) {
  std::string content = "email\n";
  for (int i = 0; i < 60; ++i) content += "not-an-email-" + std::to_string(i) + "\n";
  auto r = contacts(file("many.csv", content));
  EXPECT_EQ(r.invalid_rows, 60);
  EXPECT_EQ(r.problems.items().size(), 50u);
  EXPECT_EQ(r.unlisted, 10);
}

}  // namespace
}  // namespace herald::import::testing
