#include "message/expand.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "util/yaml_json.hpp"

namespace herald::message {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> lines(Diagnostics d) {
  d.sort();
  std::vector<std::string> out;
  for (const auto& item : d.items()) out.push_back(formatDiagnostic(item));
  return out;
}

class ExpandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("herald-expand-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    tdir_ = dir_.string();
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  // Expands `with` (YAML text as in a workflow at wf.yaml) for an email step.
  bool expand(const std::string& with_yaml) {
    config_ = yamlToJson(YAML::Load(with_yaml), "wf.yaml", positions_);
    MessageStep step{config_,           positions_, sources_,
                     {"wf.yaml", 1, 1}, tdir_,      "step 'mail' (outbox.email)",
                     "message",         "locales",  {"html", "preheader", "subject", "text"}};
    return expandMessage(step, diags_);
  }

  fs::path dir_;
  std::string tdir_;
  json config_;
  std::map<std::string, SourcePos> positions_;
  TextSources sources_;
  Diagnostics diags_;
};

TEST_F(ExpandTest, MergesTheMessageFileAsIfInline) {
  write("welcome.yaml",
        "subject: Hi {{ contact.first_name }}\n"
        "html: {file: welcome.html}\n"
        "locales:\n"
        "  ko:\n"
        "    subject: 안녕하세요\n"
        "    html: {file: welcome.ko.html}\n");
  write("welcome.html", "<p>Hello</p>\n");
  write("welcome.ko.html", "<p>안녕</p>\n");
  EXPECT_TRUE(expand("from: a@example.com\nmessage: welcome\n"));
  EXPECT_THAT(lines(diags_), IsEmpty());
  EXPECT_EQ(config_,
            json::parse(R"({"from": "a@example.com", "subject": "Hi {{ contact.first_name }}",
    "html": "<p>Hello</p>\n", "locales": {"ko": {"subject": "안녕하세요", "html": "<p>안녕</p>\n"}}})"));
  // Where each part came from: a scalar of the message file, or a whole file.
  EXPECT_EQ(positions_.at("/subject").file, path("welcome.yaml"));
  EXPECT_EQ(positions_.at("/subject").line, 1);
  EXPECT_EQ(positions_.at("/subject").column, 10);
  EXPECT_EQ(sources_.at("/subject").path, path("welcome.yaml"));
  ASSERT_TRUE(sources_.at("/subject").yaml);
  EXPECT_EQ(sources_.at("/html").path, path("welcome.html"));
  EXPECT_FALSE(sources_.at("/html").yaml);
  EXPECT_EQ(sources_.at("/locales/ko/html").path, path("welcome.ko.html"));
  EXPECT_EQ(positions_.at("/locales/ko/subject").line, 5);
}

TEST_F(ExpandTest, APartSetInBothPlacesNamesBoth) {
  write("welcome.yaml", "subject: From the file\ntext: Hello\n");
  EXPECT_FALSE(expand("message: welcome\nsubject: Inline\n"));
  EXPECT_THAT(lines(diags_),
              ElementsAre("wf.yaml:2:10: error: step 'mail' (outbox.email): 'subject' is set both "
                          "here and in " +
                          path("welcome.yaml") + ":1:10 (message: welcome); keep one of them"));
}

TEST_F(ExpandTest, MissingMessageFileSuggestsTheClosest) {
  write("welcome.yaml", "subject: x\ntext: y\n");
  write("winback.yaml", "subject: x\ntext: y\n");
  EXPECT_FALSE(expand("message: welcom\n"));
  EXPECT_THAT(lines(diags_),
              ElementsAre("wf.yaml:1:10: error: step 'mail' (outbox.email): message 'welcom': "
                          "there is no file " +
                          path("welcom.yaml") +
                          " (did you mean 'welcome'?); message files there: welcome and winback"));
}

TEST_F(ExpandTest, NoTemplatesFolderSaysWhatToWrite) {
  tdir_ = (dir_ / "none").string();
  EXPECT_FALSE(expand("message: welcome\n"));
  EXPECT_THAT(lines(diags_),
              ElementsAre("wf.yaml:1:10: error: step 'mail' (outbox.email): message 'welcome': "
                          "there is no file " +
                          (dir_ / "none" / "welcome.yaml").string() +
                          "; write the message there (a mapping of parts: html, preheader, "
                          "subject and text)"));
}

TEST_F(ExpandTest, MessageMustBeAName) {
  EXPECT_FALSE(expand("message: ../secrets\n"));
  EXPECT_THAT(lines(diags_),
              ElementsAre("wf.yaml:1:10: error: step 'mail' (outbox.email): 'message' must name "
                          "a message file in templates/ beside the workflow, e.g. message: "
                          "welcome for templates/welcome.yaml"));
}

TEST_F(ExpandTest, UnknownPartInTheFileIsReportedThere) {
  write("welcome.yaml", "subject: x\nbdy: y\n");
  EXPECT_FALSE(expand("message: welcome\n"));
  EXPECT_THAT(lines(diags_),
              ElementsAre(path("welcome.yaml") +
                          ":2:1: error: step 'mail' (outbox.email): unknown part 'bdy' in message "
                          "'welcome'; the parts of this step are html, preheader, subject and "
                          "text, and locales"));
}

TEST_F(ExpandTest, YamlErrorsInTheFileArePositioned) {
  write("welcome.yaml", "subject: [x\n");
  EXPECT_FALSE(expand("message: welcome\n"));
  ASSERT_EQ(lines(diags_).size(), 1u);
  EXPECT_THAT(lines(diags_)[0],
              ::testing::StartsWith(path("welcome.yaml") + ":1:10: error: step 'mail' "
                                                           "(outbox.email): YAML syntax error in "
                                                           "message 'welcome': this '[' is never "
                                                           "closed"));
}

TEST_F(ExpandTest, MissingPartFile) {
  EXPECT_FALSE(expand("subject: x\nhtml: {file: nope.html}\n"));
  EXPECT_THAT(
      lines(diags_),
      ElementsAre("wf.yaml:2:7: error: step 'mail' (outbox.email): there is no file " +
                  path("nope.html") + " (a part's {file: NAME} is read from " + tdir_ + ")"));
}

TEST_F(ExpandTest, LocaleChecks) {
  EXPECT_FALSE(expand(
      "subject: Hi\ntext: Hello\nlocales:\n  korean: {subject: x}\n  ko: {subjct: x, text: y}\n"
      "  ko-kr: {subject: y, text: z}\n  ko_KR: {subject: y, text: z}\n  de: {subject: Hallo}\n"));
  EXPECT_THAT(
      lines(diags_),
      ElementsAre("wf.yaml:4:3: error: step 'mail' (outbox.email): locale 'korean' is not a "
                  "locale tag; use a BCP 47 tag: a language, optionally with a region, such as "
                  "ko, en-US or de-AT",
                  "wf.yaml:5:3: warning: step 'mail' (outbox.email): locale 'ko' has no "
                  "'subject': its contacts would get the base subject with the rest in 'ko' "
                  "(mixed languages); add subject under locale 'ko'",
                  "wf.yaml:5:8: error: step 'mail' (outbox.email): unknown part 'subjct' in "
                  "locale 'ko' (did you mean 'subject'?); the parts of this step are html, "
                  "preheader, subject and text",
                  "wf.yaml:7:3: error: step 'mail' (outbox.email): locale 'ko_KR' is the same as "
                  "'ko-kr' (tags are compared ignoring case, with _ read as -); merge them",
                  "wf.yaml:8:3: warning: step 'mail' (outbox.email): locale 'de' has no 'text': "
                  "its contacts would get the base text with the rest in 'de' (mixed "
                  "languages); add text under locale 'de'"));
}

TEST_F(ExpandTest, InlineAndFileLocalesCombine) {
  write("m.yaml", "subject: Hi\nlocales:\n  ko: {subject: 안녕}\n  de: {subject: Hallo}\n");
  EXPECT_FALSE(expand("message: m\nlocales:\n  ko: {subject: Dup}\n"));
  EXPECT_THAT(lines(diags_),
              ElementsAre("wf.yaml:3:17: error: step 'mail' (outbox.email): locales.ko.subject is "
                          "set both here and in " +
                          path("m.yaml") + ":3:17 (message: m); keep one of them"));
}

TEST_F(ExpandTest, StepsWithoutMessagesAreLeftAlone) {
  ASSERT_TRUE(expand("subject: Hi\ntext: Hello\n"));
  EXPECT_EQ(config_, json::parse(R"({"subject": "Hi", "text": "Hello"})"));
  EXPECT_THAT(sources_, IsEmpty());
}

TEST_F(ExpandTest, MessageNamesListsYamlFiles) {
  write("b.yaml", "");
  write("a.yml", "");
  write("c.html", "");
  EXPECT_THAT(messageNames(tdir_), ElementsAre("a", "b"));
}

}  // namespace
}  // namespace herald::message
