#include "plugin/elf_check.hpp"

#include <elf.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <vector>

namespace herald::plugin {
namespace {

static_assert(sizeof(void*) == 8, "the ELF check reads 64-bit headers only");

#if defined(__x86_64__)
constexpr uint16_t kHostMachine = EM_X86_64;
constexpr const char* kHostMachineName = "x86-64";
#elif defined(__aarch64__)
constexpr uint16_t kHostMachine = EM_AARCH64;
constexpr const char* kHostMachineName = "aarch64";
#elif defined(__riscv)
constexpr uint16_t kHostMachine = EM_RISCV;
constexpr const char* kHostMachineName = "riscv64";
#else
#error "unknown host machine: add its EM_ constant"
#endif

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
constexpr unsigned char kHostData = ELFDATA2LSB;
#else
constexpr unsigned char kHostData = ELFDATA2MSB;
#endif

std::string machineName(uint16_t m) {
  switch (m) {
    case EM_386:
      return "i386";
    case EM_X86_64:
      return "x86-64";
    case EM_ARM:
      return "arm";
    case EM_AARCH64:
      return "aarch64";
    case EM_RISCV:
      return "riscv";
    case EM_PPC64:
      return "ppc64";
    case EM_S390:
      return "s390";
    default:
      return "machine " + std::to_string(m);
  }
}

const std::string kHardening =
    "the hardened herald.service (MemoryDenyWriteExecute=yes) would make dlopen fail, so it is "
    "refused everywhere; relink it with -Wl,-z,noexecstack";

}  // namespace

std::optional<std::string> elfProblem(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return "cannot be read: " + std::string(std::strerror(errno));
  in.seekg(0, std::ios::end);
  const auto size = static_cast<uint64_t>(in.tellg());
  in.seekg(0);

  Elf64_Ehdr eh{};
  in.read(reinterpret_cast<char*>(&eh), sizeof eh);
  const auto got = static_cast<size_t>(in.gcount());
  if (got < SELFMAG || std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0)
    return "not a shared library (no ELF header)";
  if (got < EI_NIDENT) return "not a shared library (truncated ELF header)";
  if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != kHostData) {
    return std::string("built for another machine (") +
           (eh.e_ident[EI_CLASS] == ELFCLASS32 ? "32-bit" : "64-bit") +
           (eh.e_ident[EI_DATA] == ELFDATA2MSB ? " big-endian" : " little-endian") +
           " ELF), but this Herald runs on 64-bit " + kHostMachineName;
  }
  if (got < sizeof eh) return "not a shared library (truncated ELF header)";
  if (eh.e_type != ET_DYN) {
    switch (eh.e_type) {
      case ET_EXEC:
        return "not a shared library (it is an ELF executable)";
      case ET_REL:
        return "not a shared library (it is an ELF relocatable object; link it with -shared)";
      case ET_CORE:
        return "not a shared library (it is an ELF core dump)";
      default:
        return "not a shared library (ELF type " + std::to_string(eh.e_type) + ")";
    }
  }
  if (eh.e_machine != kHostMachine) {
    return "built for another machine (" + machineName(eh.e_machine) +
           "), but this Herald runs on " + kHostMachineName;
  }

  uint64_t count = eh.e_phnum;
  if (count == PN_XNUM) {
    // Extended numbering: the real count sits in section header 0's sh_info.
    Elf64_Shdr sh0{};
    if (eh.e_shoff == 0 || eh.e_shoff > size || size - eh.e_shoff < sizeof sh0)
      return "not a shared library (truncated ELF file)";
    in.seekg(static_cast<std::streamoff>(eh.e_shoff));
    in.read(reinterpret_cast<char*>(&sh0), sizeof sh0);
    count = sh0.sh_info;
  }
  // Written so that crafted offsets cannot overflow the comparison.
  if (eh.e_phentsize < sizeof(Elf64_Phdr) || eh.e_phoff == 0 || eh.e_phoff > size ||
      count * eh.e_phentsize > size - eh.e_phoff) {
    return "not a shared library (truncated or damaged ELF program headers)";
  }
  bool has_stack_header = false;
  for (uint64_t i = 0; i < count; ++i) {
    Elf64_Phdr ph{};
    in.seekg(static_cast<std::streamoff>(eh.e_phoff + i * eh.e_phentsize));
    in.read(reinterpret_cast<char*>(&ph), sizeof ph);
    if (static_cast<size_t>(in.gcount()) != sizeof ph)
      return "not a shared library (truncated ELF file)";
    if (ph.p_type != PT_GNU_STACK) continue;
    has_stack_header = true;
    if (ph.p_flags & PF_X) {
      return "asks for an executable stack (its PT_GNU_STACK program header has PF_X); " +
             kHardening;
    }
  }
  if (!has_stack_header) {
    return "has no PT_GNU_STACK program header, so the dynamic loader would make the stack "
           "executable; " +
           kHardening;
  }
  return std::nullopt;
}

}  // namespace herald::plugin
