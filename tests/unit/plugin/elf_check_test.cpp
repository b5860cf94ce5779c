// The ELF look before dlopen: hand-made headers for each case the linker
// will not easily produce, plus real files.
#include "plugin/elf_check.hpp"

#include <elf.h>
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <vector>

namespace herald::plugin {
namespace {

#if defined(__x86_64__)
constexpr uint16_t kMachine = EM_X86_64;
#elif defined(__aarch64__)
constexpr uint16_t kMachine = EM_AARCH64;
#endif

class ElfCheck : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("herald_elf_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // A minimal 64-bit shared object header with the given program headers.
  std::filesystem::path write(std::vector<Elf64_Phdr> phdrs, uint16_t type = ET_DYN,
                              uint16_t machine = kMachine, size_t cut = 0) {
    Elf64_Ehdr eh{};
    std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = type;
    eh.e_machine = machine;
    eh.e_version = EV_CURRENT;
    eh.e_phoff = sizeof eh;
    eh.e_ehsize = sizeof eh;
    eh.e_phentsize = sizeof(Elf64_Phdr);
    eh.e_phnum = static_cast<uint16_t>(phdrs.size());
    std::string bytes(reinterpret_cast<const char*>(&eh), sizeof eh);
    for (const auto& ph : phdrs) bytes.append(reinterpret_cast<const char*>(&ph), sizeof ph);
    if (cut) bytes.resize(cut);
    auto path = dir_ / ("f" + std::to_string(n_++) + ".so");
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  static Elf64_Phdr stack(uint32_t flags) {
    Elf64_Phdr ph{};
    ph.p_type = PT_GNU_STACK;
    ph.p_flags = flags;
    return ph;
  }

  std::filesystem::path dir_;
  int n_ = 0;
};

TEST_F(ElfCheck, AcceptsNonExecutableStack) {
  EXPECT_EQ(elfProblem(write({stack(PF_R | PF_W)})), std::nullopt);
}

TEST_F(ElfCheck, RefusesExecutableStack) {
  EXPECT_EQ(elfProblem(write({stack(PF_R | PF_W | PF_X)})).value_or(""),
            "asks for an executable stack (its PT_GNU_STACK program header has PF_X); the "
            "hardened herald.service (MemoryDenyWriteExecute=yes) would make dlopen fail, so it "
            "is refused everywhere; relink it with -Wl,-z,noexecstack");
}

TEST_F(ElfCheck, RefusesMissingStackHeader) {
  Elf64_Phdr load{};
  load.p_type = PT_LOAD;
  EXPECT_EQ(elfProblem(write({load})).value_or(""),
            "has no PT_GNU_STACK program header, so the dynamic loader would make the stack "
            "executable; the hardened herald.service (MemoryDenyWriteExecute=yes) would make "
            "dlopen fail, so it is refused everywhere; relink it with -Wl,-z,noexecstack");
}

TEST_F(ElfCheck, RefusesOtherElfKinds) {
  EXPECT_EQ(elfProblem(write({stack(PF_R)}, ET_REL)).value_or(""),
            "not a shared library (it is an ELF relocatable object; link it with -shared)");
  EXPECT_EQ(elfProblem(write({stack(PF_R)}, ET_EXEC)).value_or(""),
            "not a shared library (it is an ELF executable)");
#if defined(__x86_64__)
  EXPECT_EQ(elfProblem(write({stack(PF_R)}, ET_DYN, EM_AARCH64)).value_or(""),
            "built for another machine (aarch64), but this Herald runs on x86-64");
#endif
}

TEST_F(ElfCheck, RefusesTruncatedAndForeignFiles) {
  EXPECT_EQ(elfProblem(write({stack(PF_R)}, ET_DYN, kMachine, 30)).value_or(""),
            "not a shared library (truncated ELF header)");
  EXPECT_EQ(
      elfProblem(write({stack(PF_R)}, ET_DYN, kMachine, sizeof(Elf64_Ehdr) + 10)).value_or(""),
      "not a shared library (truncated or damaged ELF program headers)");
  auto text = dir_ / "text.so";
  std::ofstream(text) << "hello\n";
  EXPECT_EQ(elfProblem(text).value_or(""), "not a shared library (no ELF header)");
  auto empty = dir_ / "empty.so";
  std::ofstream{empty};
  EXPECT_EQ(elfProblem(empty).value_or(""), "not a shared library (no ELF header)");
  EXPECT_EQ(elfProblem(dir_ / "missing.so").value_or(""),
            "cannot be read: No such file or directory");
}

TEST_F(ElfCheck, RealSharedLibraryPasses) {
  // The C library every process here maps is a real, well-linked shared object.
  EXPECT_EQ(elfProblem(HERALD_TEST_LIBC), std::nullopt);
}

}  // namespace
}  // namespace herald::plugin
