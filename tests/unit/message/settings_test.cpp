// Workflow settings for messages: locale, undefined_variables, currency.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "workflow/loader.hpp"

namespace herald::workflow {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> load(const std::string& settings, Workflow* out = nullptr) {
  Diagnostics d;
  auto wf = parseWorkflow(
      "w.yaml",
      "name: w\ntrigger: manual\nsettings:\n" + settings + "steps:\n  - id: a\n    uses: exit\n",
      d);
  if (wf && out) *out = *wf;
  std::vector<std::string> lines;
  for (const auto& item : d.items()) lines.push_back(formatDiagnostic(item));
  return lines;
}

TEST(MessageSettings, Defaults) {
  Workflow wf;
  EXPECT_THAT(load("  batch_size: 10\n", &wf), IsEmpty());
  EXPECT_EQ(wf.locale, "");
  EXPECT_FALSE(wf.strict_undefined);
  EXPECT_EQ(wf.currency, "");
}

TEST(MessageSettings, Read) {
  Workflow wf;
  EXPECT_THAT(load("  locale: de-AT\n  undefined_variables: strict\n  currency: EUR\n", &wf),
              IsEmpty());
  EXPECT_EQ(wf.locale, "de-AT");
  EXPECT_TRUE(wf.strict_undefined);
  EXPECT_EQ(wf.currency, "EUR");
  EXPECT_THAT(load("  undefined_variables: lenient\n", &wf), IsEmpty());
  EXPECT_FALSE(wf.strict_undefined);
}

TEST(MessageSettings, ErrorsSayWhatIsValid) {
  EXPECT_THAT(load("  locale: english\n"),
              ElementsAre("w.yaml:4:11: error: settings.locale: 'english' is not a locale tag; "
                          "use a BCP 47 tag: a language, optionally with a region, such as ko, "
                          "en-US or de-AT"));
  EXPECT_THAT(load("  undefined_variables: loose\n"),
              ElementsAre("w.yaml:4:24: error: 'undefined_variables' must be lenient (an empty "
                          "variable renders as nothing and is counted in the run report) or "
                          "strict (the contact's journey fails, naming the variable), got "
                          "'loose'"));
  EXPECT_THAT(load("  currency: eur\n"),
              ElementsAre("w.yaml:4:13: error: 'currency' must be an ISO 4217 code: three "
                          "capital letters such as USD, EUR or KRW, got 'eur'"));
  EXPECT_THAT(load("  curency: EUR\n"),
              ElementsAre("w.yaml:4:3: error: unknown key 'curency' in settings (did you mean "
                          "'currency'?); known keys: batch_size, timezone, require_consent, "
                          "locale, undefined_variables and currency"));
}

}  // namespace
}  // namespace herald::workflow
