#include "list_unsubscribe.hpp"

namespace herald::provider {

ListUnsubscribe listUnsubscribe(herald::Batch& batch, size_t i) {
  ListUnsubscribe out;
  std::string url;
  const herald_status s = batch.signLink(i, HERALD_LINK_UNSUBSCRIBE, url);
  if (s != HERALD_OK || url.empty()) {
    out.error = s == HERALD_ERR_UNSUPPORTED
                    ? "no signed unsubscribe link: configure links.keys in herald.yaml (or set "
                      "list_unsubscribe: false on a transactional step)"
                    : "no signed unsubscribe link (status " + std::to_string(s) + ")";
    return out;
  }
  out.list_unsubscribe = "<" + url + ">";
  out.list_unsubscribe_post = "List-Unsubscribe=One-Click";
  return out;
}

}  // namespace herald::provider
