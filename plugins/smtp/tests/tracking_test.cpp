#include "tracking.hpp"

#include <gtest/gtest.h>

namespace herald::smtp {
namespace {

std::optional<std::string> fakeSign(const std::string& target) {
  return "https://links.test/c/1/send?to=" + target;
}

TEST(Tracking, RewritesHttpLinksAndLeavesTheRest) {
  const std::string html =
      "<p><a href=\"https://shop.example/autumn?a=1&amp;b=2\">Shop</a> "
      "<A class=x HREF='http://x.example/'>x</A> <a href=\"mailto:help@acme.example\">mail</a> "
      "<a href=\"#top\">top</a> <abbr href=\"https://no.example\">no</abbr></p>";
  EXPECT_EQ(rewriteLinks(html, fakeSign),
            "<p><a href=\"https://links.test/c/1/send?to=https://shop.example/autumn?a=1&amp;b=2\">"
            "Shop</a> <A class=x HREF='https://links.test/c/1/send?to=http://x.example/'>x</A> "
            "<a href=\"mailto:help@acme.example\">mail</a> <a href=\"#top\">top</a> "
            "<abbr href=\"https://no.example\">no</abbr></p>");
}

TEST(Tracking, UnsignableLinksStayAsTheyWere) {
  const std::string html = "<a href=\"https://shop.example/\">Shop</a>";
  EXPECT_EQ(rewriteLinks(html, [](const std::string&) { return std::nullopt; }), html);
  EXPECT_EQ(rewriteLinks("<a href=\"https://x", fakeSign), "<a href=\"https://x");
}

TEST(Tracking, PixelGoesBeforeTheBodyEnds) {
  EXPECT_EQ(addOpenPixel("<html><body><p>Hi</p></BODY></html>", "https://l.test/o/1?a=1&b=2"),
            "<html><body><p>Hi</p><img src=\"https://l.test/o/1?a=1&amp;b=2\" width=\"1\" "
            "height=\"1\" alt=\"\" style=\"display:block;border:0\"></BODY></html>");
  EXPECT_EQ(addOpenPixel("<p>Hi</p>", "u"),
            "<p>Hi</p><img src=\"u\" width=\"1\" height=\"1\" alt=\"\" "
            "style=\"display:block;border:0\">");
}

}  // namespace
}  // namespace herald::smtp
