// Store::countEmptyField against a real SQLite file: what `validate` counts
// for a template variable with no default.
#include <gtest/gtest.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>

#include "segment/parse.hpp"
#include "store/store.hpp"

namespace herald::store {
namespace {

namespace fs = std::filesystem;

class TemplateFieldsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("herald-fields-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    store_ = openSqliteStore((dir_ / "herald.db").string());
    auto import = store_->beginContactImport();
    for (int i = 1; i <= 10; ++i) {
      Contact c;
      c.external_id = "C" + std::to_string(i);
      c.email = "c" + std::to_string(i) + "@example.com";
      if (i <= 6) c.first_name = i == 6 ? "" : "Name" + std::to_string(i);
      c.attributes = {{"plan", i % 2 ? "pro" : "free"}};
      if (i <= 3) c.attributes["address"] = {{"city", "Seoul"}};
      import->upsert(c);
    }
    import->commit();
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }
  fs::path dir_;
  std::unique_ptr<Store> store_;
  segment::EvalContext ctx_{0, "UTC"};
};

TEST_F(TemplateFieldsTest, CountsEmptyFieldsOfEveryone) {
  auto n = store_->countEmptyField(nullptr, "first_name", ctx_);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->total, 10);
  EXPECT_EQ(n->empty, 5);  // four without one, one with ""
  n = store_->countEmptyField(nullptr, "attributes.address.city", ctx_);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->empty, 7);
  EXPECT_EQ(store_->countEmptyField(nullptr, "email", ctx_)->empty, 0);
}

TEST_F(TemplateFieldsTest, CountsWithinTheAudience) {
  Diagnostics diags;
  auto rule =
      segment::parseRule(YAML::Load("{attribute: plan, equals: pro}"), "<test>", nullptr, diags);
  ASSERT_TRUE(rule);
  auto n = store_->countEmptyField(rule.get(), "first_name", ctx_);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->total, 5);  // 1, 3, 5, 7, 9
  EXPECT_EQ(n->empty, 2);  // 7, 9
}

TEST_F(TemplateFieldsTest, OtherVariablesAreNotCounted) {
  EXPECT_FALSE(store_->countEmptyField(nullptr, "tags", ctx_));
  EXPECT_FALSE(store_->countEmptyField(nullptr, "attributes.", ctx_));
  EXPECT_FALSE(store_->countEmptyField(nullptr, "attributes.a'b", ctx_));
  EXPECT_FALSE(store_->countEmptyField(nullptr, "id); DROP TABLE contacts; --", ctx_));
}

}  // namespace
}  // namespace herald::store
