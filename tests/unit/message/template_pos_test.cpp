// Where a place inside a step's template stands in the files: the workflow's
// scalars (plain, quoted, | and > blocks), a message file's scalars, a part's
// own file.
#include "workflow/template_pos.hpp"

#include <gtest/gtest.h>

#include "workflow/loader.hpp"

namespace herald::workflow {
namespace {

const char* const kWorkflow = R"(name: w
trigger: manual
steps:
  - id: mail
    uses: outbox.email
    with:
      from: a@example.com
      subject: Hi {{ contact.first_name }}
      preheader: "Quoted {{ x }}"
      text: |
        line one
          indented {{ y }}
      html: >
        folded
        {{ z }}
)";

struct Loaded {
  Workflow wf;
  const Step* step = nullptr;
};

Loaded load() {
  Diagnostics d;
  auto wf = parseWorkflow("w.yaml", kWorkflow, d);
  EXPECT_TRUE(wf);
  Loaded l{*wf, nullptr};
  l.step = &l.wf.steps.at(0);
  return l;
}

std::string at(const SourcePos& p) {
  return p.file + ":" + std::to_string(p.line) + ":" + std::to_string(p.column);
}

TEST(TemplatePosition, PlainAndQuotedScalars) {
  const Loaded l = load();
  // "Hi {{ contact.first_name }}": offset 3 is the first '{'.
  EXPECT_EQ(at(templatePosition(l.wf, *l.step, "/subject", 3, 1, 4)), "w.yaml:8:19");
  // Inside the quotes: offset 7 is '{' after "Quoted ".
  EXPECT_EQ(at(templatePosition(l.wf, *l.step, "/preheader", 7, 1, 8)), "w.yaml:9:26");
}

TEST(TemplatePosition, LiteralBlocksAreExact) {
  const Loaded l = load();
  // "line one\n  indented {{ y }}\n": offset 9 starts line 2 of the block
  // (its two extra spaces are content).
  EXPECT_EQ(at(templatePosition(l.wf, *l.step, "/text", 9, 2, 1)), "w.yaml:12:9");
  const size_t brace = std::string("line one\n  indented ").size();
  EXPECT_EQ(at(templatePosition(l.wf, *l.step, "/text", brace, 2, 12)), "w.yaml:12:20");
}

TEST(TemplatePosition, FoldedBlocksAreBestEffort) {
  const Loaded l = load();
  // "folded {{ z }}\n": the second line starts after the folded break.
  EXPECT_EQ(at(templatePosition(l.wf, *l.step, "/html", 7, 1, 8)), "w.yaml:15:9");
}

TEST(TemplatePosition, PartsFromOtherFiles) {
  Loaded l = load();
  Step step = *l.step;
  // A part given as {file: offer.html}: the template's own line and column.
  step.template_sources["/html"] = {"templates/offer.html", nullptr};
  EXPECT_EQ(at(templatePosition(l.wf, step, "/html", 100, 7, 3)), "templates/offer.html:7:3");
  // A scalar of a message file: mapped inside that file's text.
  auto yaml = std::make_shared<const std::string>("subject: Hello {{ x }}\n");
  step.template_sources["/subject"] = {"templates/m.yaml", yaml};
  step.config_positions["/subject"] = {"templates/m.yaml", 1, 10};
  EXPECT_EQ(at(templatePosition(l.wf, step, "/subject", 6, 1, 7)), "templates/m.yaml:1:16");
  // A default of the step type has no place of its own: the `with:` key.
  EXPECT_EQ(at(templatePosition(l.wf, step, "/absent", 0, 1, 1)), at(step.with_pos));
}

}  // namespace
}  // namespace herald::workflow
