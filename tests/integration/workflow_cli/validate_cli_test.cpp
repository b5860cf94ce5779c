// `herald validate` and `herald schema` with the real binary, the real
// in-tree plugins, the example workflows and every YAML example in docs/.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <regex>
#include <set>
#include <sstream>

#include "draft07.hpp"
#include "util/yaml_json.hpp"

namespace fs = std::filesystem;

namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

struct Result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string readFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void writeFile(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
}

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::vector<std::string> splitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

class ValidateCli : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("herald-wfcli-" + std::to_string(rd()));
    fs::create_directories(dir_);
    config_ = dir_ / "herald.yaml";
    writeFile(config_, "state_dir: " + (dir_ / "var").string() + "\n");
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Runs herald with `args` (already quoted) in the temp dir (or in `cwd`).
  Result herald(const std::string& args, const fs::path& cwd = {}) {
    const fs::path out = dir_ / "stdout.txt";
    const fs::path err = dir_ / "stderr.txt";
    const std::string cmd = "cd " + quote((cwd.empty() ? dir_ : cwd).string()) + " && " +
                            quote(HERALD_BIN) + " --config " + quote(config_.string()) +
                            " --plugin-dir " + quote(HERALD_PLUGIN_DIR) + " " + args + " >" +
                            quote(out.string()) + " 2>" + quote(err.string());
    const int status = std::system(cmd.c_str());
    Result r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = readFile(out);
    r.err = readFile(err);
    return r;
  }

  static std::vector<fs::path> exampleWorkflows() {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(fs::path(HERALD_SOURCE_DIR) / "workflows"))
      if (e.path().extension() == ".yaml") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    return files;
  }

  fs::path dir_;
  fs::path config_;
};

// "LINE:COL" of the first occurrence of `needle` in `text`.
std::string positionOf(const std::string& text, const std::string& needle) {
  const size_t at = text.find(needle);
  EXPECT_NE(at, std::string::npos) << needle;
  const size_t line_start = text.rfind('\n', at);
  const size_t line = static_cast<size_t>(std::count(text.begin(), text.begin() + at, '\n')) + 1;
  const size_t col = at - (line_start == std::string::npos ? 0 : line_start + 1) + 1;
  return std::to_string(line) + ":" + std::to_string(col);
}

std::string replaceOnce(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

TEST_F(ValidateCli, ExampleWorkflowsAreValid) {
  const auto files = exampleWorkflows();
  ASSERT_GE(files.size(), 3u);
  std::string args = "validate";
  for (const auto& f : files) args += " " + quote(f.string());
  const Result r = herald(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  // The named segments in workflows/segments/ are checked with them.
  EXPECT_THAT(r.out, ::testing::MatchesRegex("ok: " + std::to_string(files.size()) +
                                             " workflows, [0-9]+ segments valid \\([0-9]+ "
                                             "steps\\)\n"));
}

// A directory stands for its workflow files (what the service's
// ExecStartPre checks): its .yaml/.yml files, not other files, not its
// subfolders; its segments/ folder with them.
TEST_F(ValidateCli, ValidatesAWorkflowsDirectory) {
  const fs::path wfdir = dir_ / "workflows";
  fs::create_directories(wfdir);
  Result r = herald("validate " + quote(wfdir.string()));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "ok: 0 workflows valid\n");

  fs::copy(fs::path(HERALD_SOURCE_DIR) / "workflows", wfdir,
           fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  writeFile(wfdir / "README.txt", "not a workflow\n");
  fs::create_directories(wfdir / "drafts");
  writeFile(wfdir / "drafts" / "old.yaml", "not: [a workflow\n");
  r = herald("validate " + quote(wfdir.string()));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, StartsWith("ok: " + std::to_string(exampleWorkflows().size()) +
                                " workflows, 5 segments valid"));

  // A broken file in it is reported at its place, as when named.
  writeFile(wfdir / "broken.yml",
            "name: broken\ntrigger: manual\nsteps:\n  - id: a\n    uses: nope\n");
  r = herald("validate " + quote(wfdir.string()));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr((wfdir / "broken.yml").string() +
                               ":5:11: error: step 'a': unknown step type 'nope'"));
}

TEST_F(ValidateCli, AMissingWorkflowsDirectoryIsAnError) {
  const Result r = herald("validate " + quote((dir_ / "nowhere").string()));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr((dir_ / "nowhere").string()));
}

// Named segments: the folder beside the workflows, or files given directly;
// their mistakes at FILE:LINE:COL, each once however many workflows share
// the folder.
TEST_F(ValidateCli, ChecksNamedSegments) {
  fs::create_directories(dir_ / "segments");
  const std::string wf =
      "name: NAME\ntrigger: manual\naudience: {segment: vips}\nsteps:\n"
      "  - id: a\n    uses: exit\n";
  writeFile(dir_ / "a.yaml", replaceOnce(wf, "NAME", "a"));
  writeFile(dir_ / "b.yaml", replaceOnce(wf, "NAME", "b"));
  writeFile(dir_ / "segments" / "vips.yaml", "name: vips\nrule: {tags: {has: vip}}\n");
  Result r = herald("validate a.yaml b.yaml");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "ok: 2 workflows, 1 segment valid (2 steps)\n");
  r = herald("validate segments/vips.yaml");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "ok: 1 segment valid\n");

  writeFile(dir_ / "segments" / "lapsed.yaml",
            "name: lapsed\nrule:\n  event: purchase\n  last: {older_than: 90 days}\n");
  r = herald("validate a.yaml b.yaml");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            "segments/lapsed.yaml:4:22: error: '90 days' is not a length of time; write a whole "
            "number above 0 and one unit: s, m, h, d, w, mo (calendar months) or y (calendar "
            "years), e.g. 30d, 2w or 6mo\n"
            "1 error in 1 of 4 files\n");
  writeFile(dir_ / "c.yaml", replaceOnce(replaceOnce(wf, "NAME", "c"), "vips", "lapsed"));
  r = herald("validate c.yaml --json");
  EXPECT_EQ(r.exit_code, 1);
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["segments"].size(), 2u);
  EXPECT_EQ(j["segments"][0]["name"], "lapsed");
  EXPECT_EQ(j["segments"][0]["valid"], false);
  EXPECT_EQ(j["segments"][1]["valid"], true);
  ASSERT_EQ(j["diagnostics"].size(), 2u);
  EXPECT_EQ(j["diagnostics"][0]["file"], "c.yaml");
  EXPECT_EQ(j["diagnostics"][0]["message"],
            "segment 'lapsed' (segments/lapsed.yaml) has errors; fix them first");
  EXPECT_EQ(j["diagnostics"][1]["file"], "segments/lapsed.yaml");

  writeFile(dir_ / "notes.txt", "name: notes\nrule: {tags: {has: vip}}\n");
  r = herald("validate notes.txt");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "notes.txt: error: not read as a named segment: a segment file is a .yaml or .yml "
            "file in a segments folder, with a name that matches its own\n"
            "1 error in 1 of 1 file\n");
}

TEST_F(ValidateCli, ThreeIndependentMistakesGiveThreeErrorsAtTheirPlaces) {
  const std::string original = readFile(fs::path(HERALD_SOURCE_DIR) / "workflows" / "welcome.yaml");
  std::string text = replaceOnce(original, "      reply_to:", "      reply_too:");
  text = replaceOnce(text, "uses: outbox.sms", "uses: outbox.smss");
  text = replaceOnce(text, "    next: done", "    next: finish");
  writeFile(dir_ / "welcome.yaml", text);
  // Its partials: validate checks the templates of a file with errors too.
  fs::copy(fs::path(HERALD_SOURCE_DIR) / "workflows" / "templates", dir_ / "templates",
           fs::copy_options::recursive);

  const Result r = herald("validate welcome.yaml");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  const auto lines = splitLines(r.err);
  std::vector<std::string> errors;
  const std::regex diag("^welcome\\.yaml:[0-9]+:[0-9]+: error: .*");
  for (const auto& l : lines)
    if (std::regex_match(l, diag)) errors.push_back(l);
  ASSERT_EQ(errors.size(), 3u) << r.err;
  const size_t uses_col = std::string("    uses: ").size() + 1;
  const std::string uses_line = positionOf(text, "uses: outbox.smss");
  EXPECT_EQ(errors[0],
            "welcome.yaml:" + positionOf(text, "reply_too") +
                ": error: unknown key 'reply_too' in 'with' of outbox.email (did you "
                "mean 'reply_to'?); known keys: from, html, locales, message, preheader, reply_to, "
                "subject, text");
  EXPECT_EQ(errors[1], "welcome.yaml:" + uses_line.substr(0, uses_line.find(':')) + ":" +
                           std::to_string(uses_col) +
                           ": error: step 'welcome-sms-ko': unknown step type 'outbox.smss'; did "
                           "you mean 'outbox.sms'? (`herald plugins` lists them all)");
  EXPECT_EQ(errors[2], "welcome.yaml:" + positionOf(text, "finish") +
                           ": error: step 'welcome-sms-ko': 'next' names no step: 'finish'; step "
                           "ids: welcome-email, speaks-korean, welcome-sms-ko, is-vip, "
                           "welcome-sms-vip, wait-two-days, nudge-email and done");
  EXPECT_EQ(lines.size(), 4u) << r.err;
  EXPECT_EQ(lines.back(), "3 errors in 1 of 1 file");
}

TEST_F(ValidateCli, ReportsEveryFileSortedAndFailsIfAnyHasErrors) {
  writeFile(dir_ / "b.yaml", "name: b\ntrigger: manual\nsteps:\n  - id: a\n    uses: wait\n");
  writeFile(dir_ / "a.yaml", "name: a\ntrigger: manual\nsteps: []\n");
  writeFile(dir_ / "c.yaml", "name: c\ntrigger: manual\nsteps:\n  - id: a\n    uses: exit\n");
  const Result r = herald("validate b.yaml a.yaml c.yaml");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "a.yaml:3:8: error: 'steps' is empty: a workflow needs at least one step\n"
            "b.yaml:4:5: error: step 'a': a wait needs 'duration' (e.g. 2d), 'until' (e.g. "
            "\"09:00\"), or both\n"
            "2 errors in 2 of 3 files\n");
}

TEST_F(ValidateCli, WarningsDoNotFail) {
  writeFile(dir_ / "w.yaml",
            "name: w\ntrigger: manual\nsteps:\n  - id: a\n    uses: wait\n    with: {duration: "
            "1h, timezone: UTC}\n");
  const Result r = herald("validate w.yaml");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.err,
            "w.yaml:6:26: warning: step 'a': timezone only matters with 'until'; it is ignored "
            "here\n");
  EXPECT_EQ(r.out, "ok: 1 workflow valid (1 step), 1 warning\n");
}

TEST_F(ValidateCli, YamlSyntaxErrorAndUnreadableFile) {
  writeFile(dir_ / "bad.yaml", "name: x\nsteps:\n  - id: a\n    uses: [exit\n");
  const Result r = herald("validate bad.yaml missing.yaml");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "bad.yaml:4:11: error: YAML syntax error: this '[' is never closed: end the list "
            "with ']'\n"
            "missing.yaml: error: cannot read the workflow file: No such file or directory\n"
            "2 errors in 2 of 2 files\n");
}

// What yaml-cpp calls "end of map not found" or "illegal map value" (often a
// line after the mistake), said in words, at the line of the mistake.
TEST_F(ValidateCli, YamlSyntaxErrorsSayWhatIsWrongAtTheRightLine) {
  const std::string head = "name: x\ntrigger: manual\nsteps:\n  - id: a\n";
  struct Case {
    std::string body;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"    uses: exit\n      next: b\n",
       "bad.yaml:6:7: error: YAML syntax error: this line is indented more than the key above it "
       "('uses', line 5), which already has its value on its own line: line it up with 'uses', "
       "or remove the value after 'uses:' to put this line under it"},
      {"    uses exit\n    description: x\n",
       "bad.yaml:5:5: error: YAML syntax error: 'uses exit' has no ':' after its key: write "
       "'uses: exit'"},
      {"\tuses: exit\n",
       "bad.yaml:5:1: error: YAML syntax error: this line is indented with a tab; YAML indents "
       "with spaces only: replace the tab with spaces"},
      {"    uses: exit\n    description: \"a\n  - id: b\n    uses: \"exit\"\n",
       "bad.yaml:6:18: error: YAML syntax error: this double quote is not closed on its line, so "
       "YAML reads on to the next one (line 8): add the closing \" (for text over several lines, "
       "write KEY: | and the text indented below)"},
      {"    uses: exit\n    description: \"a\n",
       "bad.yaml:6:18: error: YAML syntax error: this double quote is never closed: the rest of "
       "the file became its text; add the closing \""},
      {"    uses: exit\n    description: Note: this\n",
       "bad.yaml:6:22: error: YAML syntax error: the value of 'description' has ': ' in it, which "
       "YAML reads as another key: put the value in quotes, e.g. description: \"Note: this\""},
      {"  uses: exit\n",
       "bad.yaml:5:3: error: YAML syntax error: this line is indented like the '-' of the list "
       "item above (line 4), not like its keys: indent it 4 spaces to line up with 'id'"},
      {"    uses: exit\n   description: x\n",
       "bad.yaml:6:4: error: YAML syntax error: this line is indented 3 spaces, which lines it up "
       "with no key above it: use 4 spaces to line up with 'uses' (line 5), or 0 spaces to line "
       "up with 'steps' (line 3)"},
      {"    uses: exit\n    description: \"a\" b\n",
       "bad.yaml:6:22: error: YAML syntax error: text after the closing quote of the value of "
       "'description': put all of the value inside the quotes"},
      {"    uses: exit\n    with: {a: [1, 2}\n",
       "bad.yaml:6:20: error: YAML syntax error: this '}' comes before the '[' opened at line 6, "
       "column 15 is closed: close that one first with ']'"},
  };
  for (const auto& c : cases) {
    writeFile(dir_ / "bad.yaml", head + c.body);
    const Result r = herald("validate bad.yaml");
    EXPECT_EQ(r.exit_code, 1) << c.body;
    EXPECT_EQ(r.err, c.expected + "\n1 error in 1 of 1 file\n") << c.body;
  }
}

TEST_F(ValidateCli, TwoFilesWithOneName) {
  writeFile(dir_ / "a.yaml", "name: same\ntrigger: manual\nsteps:\n  - id: a\n    uses: exit\n");
  writeFile(dir_ / "b.yaml", "name: same\ntrigger: manual\nsteps:\n  - id: a\n    uses: exit\n");
  const Result r = herald("validate a.yaml b.yaml");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, StartsWith("b.yaml:1:7: error: workflow name 'same' is also used by a.yaml; "
                                "each workflow needs its own name\n"));
}

TEST_F(ValidateCli, UsageErrors) {
  Result r = herald("validate");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, StartsWith("herald: error: FILE is required"));
  r = herald("validate --bogus x.yaml");
  EXPECT_EQ(r.exit_code, 2);
  r = herald("validate --help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("FILE:LINE:COL"));
  r = herald("schema --help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("yaml-language-server"));
}

TEST_F(ValidateCli, JsonReport) {
  writeFile(dir_ / "a.yaml", "name: a\ntrigger: manual\nsteps:\n  - id: a\n    uses: exit\n");
  writeFile(dir_ / "b.yaml", "name: b\ntrigger: manual\nsteps:\n  - id: a\n    uses: nope\n");
  const Result r = herald("validate --json a.yaml b.yaml");
  EXPECT_EQ(r.exit_code, 1);
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["ok"], false);
  ASSERT_EQ(j["workflows"].size(), 2u);
  EXPECT_EQ(j["workflows"][0]["file"], "a.yaml");
  EXPECT_EQ(j["workflows"][0]["valid"], true);
  EXPECT_EQ(j["workflows"][0]["steps"], 1);
  EXPECT_EQ(j["workflows"][0]["revision"].get<std::string>().size(), 64u);
  EXPECT_EQ(j["workflows"][1]["valid"], false);
  ASSERT_EQ(j["diagnostics"].size(), 1u);
  EXPECT_EQ(j["diagnostics"][0]["file"], "b.yaml");
  EXPECT_EQ(j["diagnostics"][0]["line"], 5);
  EXPECT_EQ(j["diagnostics"][0]["column"], 11);
  EXPECT_EQ(j["diagnostics"][0]["severity"], "error");
  EXPECT_THAT(j["diagnostics"][0]["message"].get<std::string>(),
              HasSubstr("unknown step type 'nope'"));
}

// ------------------------------------------------------------------ docs
//
// Every ```yaml block of docs/*.md is checked with the real binary, decided
// by its shape (see isWorkflow, kConfigKeys and DocsExamplesValidate):
//   <!-- invalid: FILE -->  a broken workflow: the next ```text block is exactly
//                           what `herald validate FILE` prints;
//   <!-- file: PATH -->     a file other examples use (message file, partial),
//                           written at PATH beside them;
//   <!-- fragment -->       a piece of a file shown for its shape (steps that
//                           name steps it leaves out): not checked; keep these rare;
//   <!-- needs plugin: NAME -->  a workflow using an example plugin this build
//                           does not load (sdk/examples/NAME): its only errors
//                           must be the unknown step types NAME.*;
//   a mapping of workflow keys only (name, description, trigger, audience,
//   settings, steps): a workflow, with `name`, `trigger` and `steps` filled
//   in when the example leaves them out;
//   a mapping with `name` and `rule`: a named segment file, in segments/;
//   a mapping of daemon config keys: the config file of `herald --config`;
//   anything else: a segment rule, checked as a workflow's `audience`.

struct DocBlock {
  std::string doc;  // "docs/workflows.md"
  std::string lang;
  std::string text;
  std::string marker;  // the HTML comment just before the block, if any
  int line = 0;
};

std::vector<DocBlock> docBlocks(const std::string& doc) {
  const auto lines = splitLines(readFile(fs::path(HERALD_SOURCE_DIR) / doc));
  std::vector<DocBlock> blocks;
  std::string marker;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    if (l.rfind("<!--", 0) == 0) {
      marker = l;
      continue;
    }
    if (l.rfind("```", 0) == 0 && l.size() > 3) {
      DocBlock b;
      b.doc = doc;
      b.lang = l.substr(3);
      b.marker = marker;
      b.line = static_cast<int>(i + 1);
      for (++i; i < lines.size() && lines[i] != "```"; ++i) b.text += lines[i] + "\n";
      blocks.push_back(std::move(b));
      marker.clear();
      continue;
    }
    if (!l.empty()) marker.clear();
  }
  return blocks;
}

std::vector<DocBlock> docBlocks() { return docBlocks("docs/workflows.md"); }

// Every docs/*.md, in name order.
std::vector<std::string> docFiles() {
  std::vector<std::string> docs;
  for (const auto& e : fs::directory_iterator(fs::path(HERALD_SOURCE_DIR) / "docs"))
    if (e.path().extension() == ".md") docs.push_back("docs/" + e.path().filename().string());
  std::sort(docs.begin(), docs.end());
  return docs;
}

bool isWorkflow(const DocBlock& b) {
  return b.lang == "yaml" &&
         (b.text.rfind("name:", 0) == 0 || b.text.find("\nname:") != std::string::npos) &&
         b.text.find("\nsteps:") != std::string::npos;
}

// The top-level keys of a YAML mapping; empty for anything else.
std::set<std::string> topKeys(const std::string& text) {
  std::set<std::string> keys;
  const YAML::Node root = YAML::Load(text);
  if (!root.IsMap()) return keys;
  for (const auto& kv : root) keys.insert(kv.first.as<std::string>());
  return keys;
}

bool onlyKeys(const std::set<std::string>& keys, const std::set<std::string>& allowed) {
  return !keys.empty() && std::includes(allowed.begin(), allowed.end(), keys.begin(), keys.end());
}

const std::set<std::string> kWorkflowKeys = {"audience", "description", "name",
                                             "settings", "steps",       "trigger"};
const std::set<std::string> kConfigKeys = {
    "database",         "engine",   "log_level", "plugin_dirs", "plugins",       "privacy",
    "state_dir",        "http",     "links",     "scheduler",   "workflows_dir", "runtime_dir",
    "shutdown_timeout", "delivery", "bounces"};

std::string indent(const std::string& text) {
  std::string out;
  for (const auto& l : splitLines(text)) out += "  " + l + "\n";
  return out;
}

TEST_F(ValidateCli, DocsExamplesValidateAsDocumented) {
  // Named segments the examples use: the example workflows' own, then the
  // docs' segment files (written below) beside them.
  fs::create_directories(dir_ / "segments");
  for (const auto& e :
       fs::directory_iterator(fs::path(HERALD_SOURCE_DIR) / "workflows" / "segments"))
    fs::copy_file(e.path(), dir_ / "segments" / e.path().filename());
  writeFile(dir_ / "any-workflow.yaml",
            "name: any\ntrigger: manual\nsteps:\n  - id: end\n"
            "    uses: exit\n");
  // The provider plugins' API keys live in herald.yaml, never in a workflow
  // (docs/operations.md): the examples that send through them need them here.
  // The bounce mailbox example's password credential (read relative to the
  // working directory without $CREDENTIALS_DIRECTORY).
  writeFile(dir_ / "bounce-mailbox", "docs-example-password\n");
  writeFile(config_, "state_dir: " + (dir_ / "var").string() +
                         "\nplugins:\n  sendgrid: {api_key: SG.docs-example}\n"
                         "  mailgun: {api_key: key-docs-example, domain: mg.example.com}\n"
                         "  twilio: {account_sid: AC-docs-example, auth_token: docs-example}\n");
  std::vector<DocBlock> all;
  for (const auto& doc : docFiles())
    for (auto& b : docBlocks(doc)) all.push_back(std::move(b));
  // Files the examples use (message files, partials): <!-- file: PATH -->.
  static const std::regex kFile("<!-- file: ([A-Za-z0-9_./-]+) -->");
  for (const auto& b : all) {
    std::smatch m;
    if (!std::regex_match(b.marker, m, kFile)) continue;
    fs::create_directories((dir_ / m[1].str()).parent_path());
    writeFile(dir_ / m[1].str(), b.text);
  }
  for (const auto& b : all) {
    if (b.lang != "yaml") continue;
    std::smatch m;
    if (std::regex_match(b.marker, m, kFile)) continue;
    const auto keys = topKeys(b.text);
    if (keys.count("name") && keys.count("rule")) {
      const std::string file = "segments/" + YAML::Load(b.text)["name"].as<std::string>() + ".yaml";
      writeFile(dir_ / file, b.text);
    }
  }

  std::map<std::string, int> checked;  // shape -> blocks
  for (size_t i = 0; i < all.size(); ++i) {
    const DocBlock& b = all[i];
    if (b.lang != "yaml") continue;
    const std::string where = b.doc + ":" + std::to_string(b.line);
    static const std::regex kInvalid("<!-- invalid: ([a-z0-9_.-]+) -->");
    std::smatch m;
    if (std::regex_match(b.marker, m, kInvalid)) {
      // The next ```text block is exactly what `herald validate FILE` prints,
      // run in a folder of its own (no segments/ beside it to count).
      const std::string file = m[1];
      const fs::path alone = dir_ / "invalid";
      fs::create_directories(alone);
      writeFile(alone / file, b.text);
      size_t j = i + 1;
      while (j < all.size() && all[j].lang != "text") ++j;
      ASSERT_LT(j, all.size()) << where << ": no output block";
      const Result r = herald("validate " + file, alone);
      EXPECT_EQ(r.exit_code, 1) << where;
      std::string expected = all[j].text;
      const std::string prompt = "$ herald validate " + file + "\n";
      if (expected.rfind(prompt, 0) == 0) expected = expected.substr(prompt.size());
      EXPECT_EQ(r.err, expected) << all[j].doc << ":" << all[j].line;
      ++checked["invalid"];
      continue;
    }
    if (std::regex_match(b.marker, m, kFile)) {
      ++checked["file"];
      continue;
    }
    if (b.marker == "<!-- fragment -->") {
      ++checked["fragment"];
      continue;
    }
    static const std::regex kNeeds("<!-- needs plugin: ([a-z0-9_-]+) -->");
    if (std::regex_match(b.marker, m, kNeeds)) {
      const std::string file = "doc-needs-" + std::to_string(b.line) + ".yaml";
      writeFile(dir_ / file, b.text);
      const Result r = herald("validate " + file);
      for (const auto& l : splitLines(r.err)) {
        if (l.find(": error: ") == std::string::npos) continue;
        EXPECT_THAT(l, HasSubstr("unknown step type '" + m[1].str() + ".")) << where;
      }
      ++checked["needs plugin"];
      continue;
    }
    std::set<std::string> keys;
    try {
      keys = topKeys(b.text);
    } catch (const std::exception& e) {
      ADD_FAILURE() << where << ": not YAML: " << e.what();
      continue;
    }
    std::string file =
        "doc-" + fs::path(b.doc).stem().string() + "-" + std::to_string(b.line) + ".yaml";
    std::string args = "validate " + file;
    std::string shape;
    if (keys.count("name") && keys.count("rule")) {
      shape = "segment";
      args = "validate segments/" + YAML::Load(b.text)["name"].as<std::string>() + ".yaml";
    } else if (onlyKeys(keys, kWorkflowKeys)) {
      shape = "workflow";
      std::string text = b.text;
      if (!keys.count("steps")) text += "steps:\n  - id: end\n    uses: exit\n";
      if (!keys.count("trigger")) text = "trigger: manual\n" + text;
      if (!keys.count("name")) text = "name: doc-example-" + std::to_string(i) + "\n" + text;
      writeFile(dir_ / file, text);
    } else if (onlyKeys(keys, kConfigKeys)) {
      shape = "config";
      writeFile(dir_ / file, b.text);
      const fs::path ours = config_;
      config_ = dir_ / file;
      const Result r = herald("validate any-workflow.yaml");
      config_ = ours;
      EXPECT_EQ(r.exit_code, 0) << where << "\n" << r.err;
      EXPECT_EQ(r.err, "") << where;
      ++checked[shape];
      continue;
    } else {
      shape = "rule";
      writeFile(dir_ / file, "name: doc-rule-" + std::to_string(i) +
                                 "\ntrigger: manual\naudience:\n" + indent(b.text) +
                                 "steps:\n  - id: end\n    uses: exit\n");
    }
    const Result r = herald(args);
    EXPECT_EQ(r.exit_code, 0) << where << " (" << shape << ")\n" << r.err;
    EXPECT_EQ(r.err, "") << where << " (" << shape << ")";
    ++checked[shape];
  }
  for (const char* shape : {"workflow", "segment", "rule", "config", "invalid", "file"})
    EXPECT_GE(checked[shape], 1) << shape;
  EXPECT_GE(checked["workflow"], 15);
  EXPECT_GE(checked["rule"], 15);
  // Two of the four are config blocks that name credential files (the admin
  // token, link keys) which only exist on a configured machine.
  EXPECT_LE(checked["fragment"], 4) << "a fragment is not checked; prefer a whole example";
}

// ------------------------------------------------------------------ schema

TEST_F(ValidateCli, SchemaDescribesEveryStepType) {
  const Result r = herald("schema");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto schema = nlohmann::json::parse(r.out);
  EXPECT_EQ(schema["$schema"], "http://json-schema.org/draft-07/schema#");
  const auto& step = schema["definitions"]["step"];
  std::vector<std::string> types;
  for (const auto& o : step["properties"]["uses"]["oneOf"]) types.push_back(o["const"]);
  for (const char* t : {"condition", "exit", "outbox.email", "outbox.sms", "wait"})
    EXPECT_NE(std::find(types.begin(), types.end(), t), types.end()) << t;
  for (const auto& rule : step["allOf"]) {
    const std::string uses = rule["if"]["properties"]["uses"]["const"];
    EXPECT_TRUE(rule["then"]["properties"]["with"].contains("properties")) << uses;
  }
  const auto& email = *std::find_if(step["allOf"].begin(), step["allOf"].end(), [](const auto& x) {
    return x["if"]["properties"]["uses"]["const"] == "outbox.email";
  });
  EXPECT_EQ(email["then"]["required"], nlohmann::json({"with"}));
  EXPECT_TRUE(email["then"]["properties"]["with"]["properties"].contains("subject"));
  EXPECT_EQ(email["then"]["properties"]["with"]["additionalProperties"], false);

  // -o writes the same text to a file.
  const Result o = herald("schema -o out.json");
  EXPECT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(readFile(dir_ / "out.json"), r.out);
}

TEST_F(ValidateCli, CheckedInSchemaIsCurrent) {
  const Result r = herald("schema");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(readFile(fs::path(HERALD_SOURCE_DIR) / "workflows" / "schema" / "workflow.schema.json"),
            r.out)
      << "workflows/schema/workflow.schema.json is out of date; regenerate it with\n"
         "  cmake --build BUILD_DIR --target update-workflow-schema";
}

TEST_F(ValidateCli, EditorsAcceptTheExamplesAndFlagMistakes) {
  const Result r = herald("schema");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const herald::testing::Draft07 checker(nlohmann::json::parse(r.out));
  auto toJson = [](const std::string& text) { return herald::yamlToJson(YAML::Load(text)); };
  for (const auto& f : exampleWorkflows())
    EXPECT_THAT(checker.validate(toJson(readFile(f))), ::testing::IsEmpty()) << f;
  for (const auto& b : docBlocks()) {
    if (isWorkflow(b) && b.marker.empty()) {
      EXPECT_THAT(checker.validate(toJson(b.text)), ::testing::IsEmpty())
          << "docs/workflows.md:" << b.line;
    }
  }

  const std::string welcome = readFile(fs::path(HERALD_SOURCE_DIR) / "workflows" / "welcome.yaml");
  EXPECT_THAT(checker.validate(toJson(replaceOnce(welcome, "reply_to:", "reply_too:"))),
              ::testing::Contains(HasSubstr("/steps/0/with/reply_too")));
  EXPECT_THAT(checker.validate(toJson(replaceOnce(welcome, "duration: 2d", "duration: 2 days"))),
              ::testing::Contains(HasSubstr("/steps/5/with/duration")));
  EXPECT_THAT(checker.validate(toJson(replaceOnce(welcome, "type: manual", "type: manul"))),
              ::testing::Not(::testing::IsEmpty()));
}

}  // namespace
