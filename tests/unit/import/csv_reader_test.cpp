#include "import/csv_reader.hpp"

#include <fcntl.h>
#include <unistd.h>

#include "import_fixture.hpp"

namespace herald::import::testing {
namespace {

struct Row {
  CsvReader::Status status = CsvReader::Status::kEnd;
  int64_t line = 0;
  std::vector<std::string> fields;
  int column = 0;
  std::string error;
};

class CsvTest : public ImportTest {
 protected:
  std::vector<Row> read(const std::string& content) {
    auto path = file("t.csv", content);
    int fd = ::open(path.c_str(), O_RDONLY);
    CsvReader reader(fd);
    CsvReader::Record rec;
    std::vector<Row> rows;
    for (;;) {
      auto s = reader.next(rec);
      if (s == CsvReader::Status::kEnd) break;
      Row r;
      r.status = s;
      if (s == CsvReader::Status::kRecord) {
        r.line = rec.line;
        for (auto f : rec.fields) r.fields.emplace_back(f);
      } else {
        r.line = reader.error().line;
        r.column = reader.error().column;
        r.error = reader.error().message;
      }
      rows.push_back(std::move(r));
      if (s == CsvReader::Status::kFatal) break;
    }
    ::close(fd);
    return rows;
  }
  using Fields = std::vector<std::string>;
};

TEST_F(CsvTest, PlainQuotedEscapedAndEmptyFields) {
  auto rows = read("a,b,c\n1,\"two, too\",\"say \"\"hi\"\"\"\n,,\n\"\",x,\n");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].fields, (Fields{"a", "b", "c"}));
  EXPECT_EQ(rows[1].fields, (Fields{"1", "two, too", "say \"hi\""}));
  EXPECT_EQ(rows[2].fields, (Fields{"", "", ""}));
  EXPECT_EQ(rows[3].fields, (Fields{"", "x", ""}));
}

TEST_F(CsvTest, EmbeddedNewlinesKeepLineNumbersRight) {
  auto rows = read("h1,h2\n\"multi\nline\nvalue\",x\nnext,row\r\nlast,one");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[1].line, 2);
  EXPECT_EQ(rows[1].fields, (Fields{"multi\nline\nvalue", "x"}));
  EXPECT_EQ(rows[2].line, 5);
  EXPECT_EQ(rows[2].fields, (Fields{"next", "row"}));  // CRLF
  EXPECT_EQ(rows[3].line, 6);
  EXPECT_EQ(rows[3].fields, (Fields{"last", "one"}));  // no final newline
}

TEST_F(CsvTest, ByteOrderMarkAndBlankLinesAreSkipped) {
  auto rows = read(
      "\xEF\xBB\xBF"
      "email\n\na@example.com\n\r\n\nb@example.com\n\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].fields, Fields{"email"});
  EXPECT_EQ(rows[1].line, 3);
  EXPECT_EQ(rows[2].line, 6);
}

TEST_F(CsvTest, UnterminatedQuoteIsFatalAtTheLineItOpens) {
  auto rows = read("a,b\n1,2\n3,\"open\n4,5\n6,7\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[2].status, CsvReader::Status::kFatal);
  EXPECT_EQ(rows[2].line, 3);
  EXPECT_EQ(rows[2].column, 2);
  EXPECT_EQ(rows[2].error, "a quoted field starts here but its closing quote is missing");
}

TEST_F(CsvTest, StrayQuotesAreBadRowsAndReadingGoesOn) {
  auto rows = read("a,b\nbob \"the\" builder,1\n\"closed\"x,2\nfine,3\n");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[1].status, CsvReader::Status::kBad);
  EXPECT_EQ(rows[1].line, 2);
  EXPECT_EQ(rows[1].column, 1);
  EXPECT_EQ(rows[1].error,
            "a '\"' inside a field that does not start with a quote; enclose the whole field in "
            "double quotes and double the quotes inside (\"\")");
  EXPECT_EQ(rows[2].status, CsvReader::Status::kBad);
  EXPECT_EQ(rows[2].line, 3);
  EXPECT_EQ(rows[2].error,
            "'x' after the closing quote of a quoted field; a quote inside a quoted field must "
            "be doubled (\"\")");
  EXPECT_EQ(rows[3].fields, (Fields{"fine", "3"}));
  EXPECT_EQ(rows[3].line, 4);
}

TEST_F(CsvTest, RecordsAcrossReadBoundariesAndLongerThanTheBuffer) {
  std::string content = "k,v\n";
  const std::string big(3 << 20, 'x');  // larger than the 1 MiB first buffer
  for (int i = 0; i < 20000; ++i) content += std::to_string(i) + ",\"a \"\"b\"\"\nc\"\n";
  content += "big," + big + "\n";
  content += "after,\"q\"\r\n";
  auto rows = read(content);
  ASSERT_EQ(rows.size(), 20003u);
  for (int i = 0; i < 20000; ++i) {
    ASSERT_EQ(rows[1 + i].fields, (Fields{std::to_string(i), "a \"b\"\nc"})) << i;
    ASSERT_EQ(rows[1 + i].line, 2 + 2 * i);
  }
  EXPECT_EQ(rows[20001].fields[1].size(), big.size());
  EXPECT_EQ(rows[20002].fields, (Fields{"after", "q"}));
  EXPECT_EQ(rows[20002].line, 2 + 2 * 20000 + 1);
}

}  // namespace
}  // namespace herald::import::testing
