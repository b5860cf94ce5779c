#pragma once
// Internal to core/plugin: the ABI version handshake (docs/plugins.md, "ABI
// rules"): a plugin loads when its major equals the host's and its minor is
// not newer. A function of both versions so the tests can play an older
// host (a 1.3 plugin on a 1.2 host) without building one.
#include <cstdint>
#include <optional>
#include <string>

namespace herald::plugin {

// Why `subject` ("plugin 'x'"), built for plugin_major.plugin_minor, is
// refused by a host of host_major.host_minor; nullopt when it may load.
std::optional<std::string> abiVersionRefusal(const std::string& subject, uint32_t plugin_major,
                                             uint32_t plugin_minor, uint32_t host_major,
                                             uint32_t host_minor);

}  // namespace herald::plugin
