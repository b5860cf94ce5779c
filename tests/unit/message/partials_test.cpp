#include "message/partials.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace herald::message {
namespace {

namespace fs = std::filesystem;

class PartialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("herald-partials-" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "shop");
    write("footer.html.liquid", "<p>html footer</p>");
    write("footer.liquid", "plain footer");
    write("sig.text.liquid", "-- text sig");
    write("shop/card.liquid", "card");
    write("notes.txt", "not a partial");
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  fs::path dir_;
};

TEST_F(PartialsTest, HtmlPartsPreferHtmlPartials) {
  FolderPartials p(dir_.string());
  auto html = p.load("footer", tmpl::Escape::kHtml);
  ASSERT_TRUE(html);
  EXPECT_EQ(html->text, "<p>html footer</p>");
  EXPECT_EQ(html->path, (dir_ / "footer.html.liquid").string());
  auto text = p.load("footer", tmpl::Escape::kNone);
  ASSERT_TRUE(text);
  EXPECT_EQ(text->text, "plain footer");
}

TEST_F(PartialsTest, TextPartsPreferTextPartials) {
  FolderPartials p(dir_.string());
  EXPECT_EQ(p.load("sig", tmpl::Escape::kNone)->text, "-- text sig");
  EXPECT_FALSE(p.load("sig", tmpl::Escape::kHtml));  // no sig.html.liquid nor sig.liquid
  EXPECT_EQ(p.load("shop/card", tmpl::Escape::kHtml)->text, "card");
}

TEST_F(PartialsTest, RefusesNamesOutsideTheFolder) {
  FolderPartials p(dir_.string());
  EXPECT_FALSE(p.load("../footer", tmpl::Escape::kNone));
  EXPECT_FALSE(p.load("/etc/passwd", tmpl::Escape::kNone));
  EXPECT_FALSE(p.load("", tmpl::Escape::kNone));
  EXPECT_FALSE(p.load("missing", tmpl::Escape::kNone));
}

TEST_F(PartialsTest, NamesListsEachPartialOnce) {
  FolderPartials p(dir_.string());
  EXPECT_THAT(p.names(), ::testing::ElementsAre("footer", "shop/card", "sig"));
  EXPECT_THAT(FolderPartials("/nonexistent/templates").names(), ::testing::IsEmpty());
}

}  // namespace
}  // namespace herald::message
