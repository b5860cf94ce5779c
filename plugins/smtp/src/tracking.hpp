#pragma once
// Open and click tracking in an HTML part (off unless a step asks for it):
// links and the pixel are the daemon's signed URLs, so nothing personal is in
// them in clear.
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace herald::smtp {

// `html` with each <a href="http(s)://..."> target replaced by what
// `signed_click(target)` returns (nullopt: the link stays as it was). The
// target is HTML-unescaped before signing and the new URL escaped again.
// mailto:, tel:, anchors and relative links are left alone.
std::string rewriteLinks(
    std::string_view html,
    const std::function<std::optional<std::string>(const std::string&)>& signed_click);

// `html` with a 1x1 image of `pixel_url` just before </body> (else at the end).
std::string addOpenPixel(std::string_view html, std::string_view pixel_url);

}  // namespace herald::smtp
