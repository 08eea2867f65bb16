#include "runtime/core/npy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace kiln::rt {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

std::vector<uint8_t> Bytes(std::string_view s) { return std::vector<uint8_t>(s.begin(), s.end()); }

// A .npy file with a hand-written header: magic, version, length field, `header` verbatim
// (no padding added), then `data`.
std::vector<uint8_t> MakeNpy(int major, std::string_view header, std::string_view data) {
  std::string out("\x93NUMPY", 6);
  out += static_cast<char>(major);
  out += '\0';
  int len_bytes = major == 1 ? 2 : 4;
  for (int i = 0; i < len_bytes; ++i) out += static_cast<char>((header.size() >> (8 * i)) & 0xff);
  out += header;
  out += data;
  return Bytes(out);
}

std::string F32Bytes(std::initializer_list<float> values) {
  std::string out;
  for (float v : values) out.append(reinterpret_cast<const char*>(&v), sizeof(v));
  return out;
}

std::string ParseError(const std::vector<uint8_t>& bytes) {
  Result<NpyArray> r = ParseNpy(bytes, "t.npy");
  EXPECT_FALSE(r.ok());
  return r.ok() ? "" : r.status().message();
}

std::string ParseErrorForHeader(std::string_view header, std::string_view data = "") {
  return ParseError(MakeNpy(1, header, data));
}

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "npy_test.XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string File(const std::string& name) const { return (path_ / name).string(); }
  std::vector<std::string> Entries() const {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(path_)) {
      names.push_back(e.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

 private:
  std::filesystem::path path_;
};

TEST(NpyDTypeTest, NamesSizesAndDescrs) {
  EXPECT_EQ(NpyDTypeName(NpyDType::kF32), "f32");
  EXPECT_EQ(NpyDTypeName(NpyDType::kBool), "bool");
  EXPECT_EQ(NpyDTypeSize(NpyDType::kF16), 2);
  EXPECT_EQ(NpyDTypeSize(NpyDType::kU64), 8);
  EXPECT_EQ(NpyDescr(NpyDType::kF32), "<f4");
  EXPECT_EQ(NpyDescr(NpyDType::kI8), "|i1");
  EXPECT_EQ(NpyDescr(NpyDType::kU8), "|u1");
  EXPECT_EQ(NpyDescr(NpyDType::kBool), "|b1");
  EXPECT_EQ(NpyDescr(NpyDType::kI64), "<i8");
}

TEST(NpyArrayTest, NumElements) {
  EXPECT_EQ((NpyArray{NpyDType::kF32, {}, {}}).num_elements(), 1);
  EXPECT_EQ((NpyArray{NpyDType::kF32, {2, 3}, {}}).num_elements(), 6);
  EXPECT_EQ((NpyArray{NpyDType::kF32, {2, 0, 3}, {}}).num_elements(), 0);
  EXPECT_EQ((NpyArray{NpyDType::kF32, {-1}, {}}).num_elements(), -1);
}

TEST(NpyTest, RoundTripsEveryDTypeAndShape) {
  const std::vector<std::vector<int64_t>> shapes = {{}, {0}, {3}, {2, 3}, {2, 0, 4}, {1, 1, 2, 1}};
  for (int d = 0; d < kNumNpyDTypes; ++d) {
    for (const auto& shape : shapes) {
      NpyArray a;
      a.dtype = static_cast<NpyDType>(d);
      a.shape = shape;
      a.data.resize(a.num_elements() * NpyDTypeSize(a.dtype));
      for (size_t i = 0; i < a.data.size(); ++i) a.data[i] = static_cast<uint8_t>(i * 7 + 1);
      if (a.dtype == NpyDType::kBool) {
        for (auto& b : a.data) b &= 1;
      }
      std::vector<uint8_t> bytes = SerializeNpy(a);
      ASSERT_FALSE(bytes.empty());
      size_t data_start = bytes.size() - a.data.size();
      EXPECT_EQ(data_start % 64, 0u);
      EXPECT_EQ(bytes[data_start - 1], '\n');
      Result<NpyArray> b = ParseNpy(bytes, "rt.npy");
      ASSERT_TRUE(b.ok()) << b.status().message();
      EXPECT_EQ(b->dtype, a.dtype) << NpyDTypeName(a.dtype);
      EXPECT_EQ(b->shape, a.shape);
      EXPECT_EQ(b->data, a.data);
    }
  }
}

// The exact bytes numpy 1.24 writes for np.arange(6, dtype=np.float32).reshape(2, 3): the
// dict, 20 spaces numpy reserves to grow axis 0, padding to 128 bytes, '\n', then the data.
TEST(NpyTest, SerializeMatchesNumpyByteForByte) {
  std::string expected = std::string("\x93NUMPY\x01\x00\x76\x00", 10) +
                         "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"
                         "                                                          \n" +
                         F32Bytes({0, 1, 2, 3, 4, 5});
  ASSERT_EQ(expected.size(), 128u + 24u);
  NpyArray a{NpyDType::kF32, {2, 3}, Bytes(F32Bytes({0, 1, 2, 3, 4, 5}))};
  EXPECT_EQ(SerializeNpy(a), Bytes(expected));
}

// np.save(f, np.float64(2.5)): a scalar has no growth padding.
TEST(NpyTest, SerializeScalarMatchesNumpy) {
  double v = 2.5;
  std::string data(reinterpret_cast<const char*>(&v), sizeof(v));
  std::string expected = std::string("\x93NUMPY\x01\x00\x76\x00", 10) +
                         "{'descr': '<f8', 'fortran_order': False, 'shape': (), }"
                         "                                                              \n" +
                         data;
  NpyArray a{NpyDType::kF64, {}, Bytes(data)};
  EXPECT_EQ(SerializeNpy(a), Bytes(expected));
}

TEST(NpyTest, SerializeUsesVersion2WhenHeaderIsHuge) {
  NpyArray a{NpyDType::kU8, std::vector<int64_t>(30000, 1), {42}};
  std::vector<uint8_t> bytes = SerializeNpy(a);
  ASSERT_GT(bytes.size(), 65536u);
  EXPECT_EQ(bytes[6], 2);
  EXPECT_EQ((bytes.size() - 1) % 64, 0u);
  Result<NpyArray> b = ParseNpy(bytes, "big.npy");
  ASSERT_TRUE(b.ok()) << b.status().message();
  EXPECT_EQ(b->shape.size(), 30000u);
  EXPECT_EQ(b->data, std::vector<uint8_t>{42});
}

TEST(NpyTest, SerializeRejectsInconsistentArrays) {
  EXPECT_TRUE(SerializeNpy(NpyArray{NpyDType::kF32, {2}, {1, 2, 3}}).empty());
  EXPECT_TRUE(SerializeNpy(NpyArray{NpyDType::kF32, {-1}, {}}).empty());
  EXPECT_TRUE(SerializeNpy(NpyArray{NpyDType::kF32, {0, -1}, {}}).empty());
  Status s = CheckNpyArray(NpyArray{NpyDType::kF32, {2}, {1, 2, 3}}, "x");
  EXPECT_THAT(s.message(), HasSubstr("'x': f32[2] needs 8 data bytes, has 3"));
}

TEST(NpyTest, ParsesHandWrittenHeaders) {
  std::string data = F32Bytes({1, 2, 3, 4, 5, 6});
  const char* headers[] = {
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }\n",
      "{'shape': (2, 3), 'fortran_order': False, 'descr': '<f4'}",
      "  {  'fortran_order' :False ,'shape':( 2 ,3 ,) ,  'descr' : '<f4' ,}   \n",
      "{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (2L, 3L)}\n",
      "{'descr':'=f4','fortran_order':False,'shape':(2,3)}",
      "{'descr':'f4','fortran_order':False,'shape':(2,3)}",
  };
  for (int major : {1, 2, 3}) {
    for (const char* header : headers) {
      Result<NpyArray> a = ParseNpy(MakeNpy(major, header, data), "h.npy");
      ASSERT_TRUE(a.ok()) << header << ": " << a.status().message();
      EXPECT_EQ(a->dtype, NpyDType::kF32);
      EXPECT_EQ(a->shape, (std::vector<int64_t>{2, 3}));
      EXPECT_EQ(a->data, Bytes(data));
    }
  }
}

TEST(NpyTest, ParsesScalarOneDimAndEmptyShapes) {
  Result<NpyArray> s = ParseNpy(
      MakeNpy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': ()}", F32Bytes({7})), "s");
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_TRUE(s->shape.empty());
  EXPECT_EQ(s->num_elements(), 1);

  Result<NpyArray> v =
      ParseNpy(MakeNpy(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (3,)}", "abc"), "v");
  ASSERT_TRUE(v.ok()) << v.status().message();
  EXPECT_EQ(v->dtype, NpyDType::kU8);
  EXPECT_EQ(v->shape, std::vector<int64_t>{3});

  Result<NpyArray> e =
      ParseNpy(MakeNpy(1, "{'descr': '|b1', 'fortran_order': False, 'shape': (0, 5)}", ""), "e");
  ASSERT_TRUE(e.ok()) << e.status().message();
  EXPECT_EQ(e->dtype, NpyDType::kBool);
  EXPECT_EQ(e->num_elements(), 0);
}

// np.save(f, np.array([1, -2, 3], dtype='>i2')) and a big-endian float.
TEST(NpyTest, SwapsBigEndianData) {
  Result<NpyArray> a =
      ParseNpy(MakeNpy(1, "{'descr': '>i2', 'fortran_order': False, 'shape': (3,), }",
                       std::string("\x00\x01\xff\xfe\x00\x03", 6)),
               "be.npy");
  ASSERT_TRUE(a.ok()) << a.status().message();
  ASSERT_EQ(a->dtype, NpyDType::kI16);
  int16_t v[3];
  std::memcpy(v, a->data.data(), sizeof(v));
  EXPECT_EQ(v[0], 1);
  EXPECT_EQ(v[1], -2);
  EXPECT_EQ(v[2], 3);

  Result<NpyArray> f = ParseNpy(MakeNpy(1, "{'descr': '>f4', 'fortran_order': False, 'shape': ()}",
                                        std::string("\x3f\x80\x00\x00", 4)),
                                "bef.npy");
  ASSERT_TRUE(f.ok()) << f.status().message();
  float x;
  std::memcpy(&x, f->data.data(), sizeof(x));
  EXPECT_EQ(x, 1.0f);
}

TEST(NpyTest, RejectsFortranOrder) {
  EXPECT_THAT(ParseErrorForHeader("{'descr': '<f4', 'fortran_order': True, 'shape': (1,)}", "abcd"),
              HasSubstr("'t.npy': Fortran-order arrays are not supported; save with "
                        "np.ascontiguousarray"));
}

TEST(NpyTest, RejectsUnsupportedDTypesByName) {
  auto header = [](const std::string& descr) {
    return "{'descr': " + descr + ", 'fortran_order': False, 'shape': ()}";
  };
  EXPECT_THAT(ParseErrorForHeader(header("'|O'")),
              HasSubstr("'t.npy': object dtype '|O' is not supported"));
  EXPECT_THAT(ParseErrorForHeader(header("'<U5'")), HasSubstr("string dtype '<U5'"));
  EXPECT_THAT(ParseErrorForHeader(header("'|S3'")), HasSubstr("string dtype '|S3'"));
  EXPECT_THAT(ParseErrorForHeader(header("'|V8'")), HasSubstr("structured) dtype '|V8'"));
  EXPECT_THAT(ParseErrorForHeader(header("'<c8'")), HasSubstr("complex dtype '<c8'"));
  EXPECT_THAT(ParseErrorForHeader(header("'<M8[ns]'")), HasSubstr("datetime dtype '<M8[ns]'"));
  EXPECT_THAT(ParseErrorForHeader(header("'<f16'")), HasSubstr("dtype '<f16' is not supported"));
  EXPECT_THAT(ParseErrorForHeader(header("'<i3'")), HasSubstr("dtype '<i3' is not supported"));
  EXPECT_THAT(ParseErrorForHeader(header("''")), HasSubstr("dtype '' is not supported"));
  EXPECT_THAT(ParseErrorForHeader(header("[('a', '<f4'), ('b', '<i4')]")),
              HasSubstr("'t.npy': structured dtypes are not supported"));
}

TEST(NpyTest, RejectsTruncatedData) {
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}";
  EXPECT_THAT(ParseError(MakeNpy(1, header, std::string(20, 'x'))),
              HasSubstr("'t.npy': truncated data: f32[2,3] needs 24 bytes, found 20"));
}

TEST(NpyTest, RejectsTrailingBytes) {
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}";
  EXPECT_THAT(ParseError(MakeNpy(1, header, std::string(25, 'x'))),
              HasSubstr("'t.npy': 1 unexpected bytes after the data (f32[2,3] needs 24 bytes)"));
}

TEST(NpyTest, RejectsBadShapes) {
  auto shape = [](const std::string& s) {
    return ParseErrorForHeader("{'descr': '<f4', 'fortran_order': False, 'shape': " + s + "}");
  };
  EXPECT_THAT(shape("(-1,)"), HasSubstr("negative dimension"));
  EXPECT_THAT(shape("(3)"), HasSubstr("must be a tuple, e.g. (3,) not (3)"));
  EXPECT_THAT(shape("[3]"), HasSubstr("'shape' must be a tuple"));
  EXPECT_THAT(shape("(99999999999999999999,)"), HasSubstr("too large for int64"));
  EXPECT_THAT(shape("(4294967296, 4294967296, 4)"), HasSubstr("is too large"));
  EXPECT_THAT(shape("(1.5,)"), HasSubstr("expected ',' or ')'"));
  // Larger than the file: an error, not an allocation.
  EXPECT_THAT(shape("(1000000000, 1000000000)"), HasSubstr("truncated data"));
}

TEST(NpyTest, RejectsMalformedHeaderDicts) {
  EXPECT_THAT(ParseErrorForHeader("{'descr': '<f4', 'shape': ()}"),
              HasSubstr("'t.npy': header has no 'fortran_order'"));
  EXPECT_THAT(ParseErrorForHeader("{'fortran_order': False, 'shape': ()}"),
              HasSubstr("header has no 'descr'"));
  EXPECT_THAT(ParseErrorForHeader("{'descr': '<f4', 'fortran_order': False}"),
              HasSubstr("header has no 'shape'"));
  EXPECT_THAT(
      ParseErrorForHeader("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': ()}"),
      HasSubstr("duplicate key 'descr'"));
  EXPECT_THAT(ParseErrorForHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (), 'x': 1}"),
              HasSubstr("unexpected key 'x' in header"));
  EXPECT_THAT(ParseErrorForHeader("{'descr': '<f4', 'fortran_order': 0, 'shape': ()}"),
              HasSubstr("must be True or False"));
  EXPECT_THAT(ParseErrorForHeader("{'descr: '<f4'"), HasSubstr("expected ':'"));
  EXPECT_THAT(ParseErrorForHeader("{'descr"), HasSubstr("unterminated string"));
  EXPECT_THAT(ParseErrorForHeader("['descr']"), HasSubstr("header is not a dict"));
  EXPECT_THAT(ParseErrorForHeader("{'descr': '<f4', 'fortran_order': False, 'shape': ()} x"),
              HasSubstr("unexpected text after the header dict"));
  EXPECT_THAT(ParseErrorForHeader("{'descr': '<f4' 'fortran_order': False, 'shape': ()}"),
              HasSubstr("expected ',' or '}'"));
}

TEST(NpyTest, RejectsBadPreamble) {
  EXPECT_THAT(ParseError({}), HasSubstr("'t.npy': not a .npy file"));
  EXPECT_THAT(ParseError(Bytes("PK\x03\x04 a zip, maybe an .npz")), HasSubstr("not a .npy file"));
  std::vector<uint8_t> v4 = MakeNpy(1, "{}", "");
  v4[6] = 4;
  EXPECT_THAT(ParseError(v4), HasSubstr("unsupported .npy format version 4.0"));
  v4[6] = 1;
  v4[7] = 1;
  EXPECT_THAT(ParseError(v4), HasSubstr("unsupported .npy format version 1.1"));
  EXPECT_THAT(ParseError(Bytes(std::string("\x93NUMPY\x02\x00\x10\x00", 10))),
              HasSubstr("truncated header"));
  EXPECT_THAT(ParseError(Bytes(std::string("\x93NUMPY\x01\x00\x40\x00{'descr'", 17))),
              HasSubstr("truncated header: expected 64 bytes, found 7"));
  EXPECT_THAT(ParseError(Bytes(std::string("\x93NUMPY\x02\x00\x00\x00\x20\x00", 12))),
              HasSubstr("header length 2097152 exceeds the limit of 1048576 bytes"));
}

// Every truncation and every single-byte change of a valid file either parses or fails with a
// one-line message naming the file; none crashes (the fuzz target explores further).
TEST(NpyTest, NeverCrashesOnCorruptedInput) {
  NpyArray a{NpyDType::kI16, {2, 2}, {1, 0, 2, 0, 3, 0, 4, 0}};
  std::vector<uint8_t> good = SerializeNpy(a);
  auto check = [](const std::vector<uint8_t>& bytes) {
    Result<NpyArray> r = ParseNpy(bytes, "c.npy");
    if (!r.ok()) {
      EXPECT_THAT(r.status().message(), StartsWith("'c.npy': "));
      EXPECT_EQ(r.status().message().find('\n'), std::string::npos) << r.status().message();
    }
  };
  for (size_t n = 0; n < good.size(); ++n) {
    check(std::vector<uint8_t>(good.begin(), good.begin() + n));
  }
  for (size_t i = 0; i < good.size(); ++i) {
    for (int v : {0x00, 0x0a, 0x27, 0x29, 0x2c, 0x3e, 0x7f, 0xff}) {
      std::vector<uint8_t> bytes = good;
      bytes[i] = static_cast<uint8_t>(v);
      check(bytes);
    }
  }
}

TEST(NpyFileTest, WriteThenRead) {
  TempDir dir;
  NpyArray a{NpyDType::kF32, {2, 3}, Bytes(F32Bytes({0, 1, 2, 3, 4, 5}))};
  std::string path = dir.File("out.npy");
  Status s = WriteNpy(path, a);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(dir.Entries(), std::vector<std::string>{"out.npy"});
  Result<NpyArray> b = ReadNpy(path);
  ASSERT_TRUE(b.ok()) << b.status().message();
  EXPECT_EQ(b->shape, a.shape);
  EXPECT_EQ(b->data, a.data);

  // Overwrites an existing file.
  a.data[0] = 0x7f;
  ASSERT_TRUE(WriteNpy(path, a).ok());
  EXPECT_EQ(ReadNpy(path)->data, a.data);
}

TEST(NpyFileTest, WriteOntoDirectoryFailsAndLeavesNoTempFile) {
  TempDir dir;
  std::filesystem::create_directory(dir.File("sub"));
  NpyArray a{NpyDType::kU8, {2}, {1, 2}};
  Status s = WriteNpy(dir.File("sub"), a);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("sub': cannot write"));
  EXPECT_EQ(dir.Entries(), std::vector<std::string>{"sub"});
  EXPECT_TRUE(std::filesystem::is_empty(dir.File("sub")));
}

TEST(NpyFileTest, WriteErrors) {
  TempDir dir;
  NpyArray a{NpyDType::kU8, {2}, {1, 2}};
  EXPECT_THAT(WriteNpy(dir.File("missing/x.npy"), a).message(),
              HasSubstr("x.npy': cannot write: No such file or directory"));
  NpyArray bad{NpyDType::kU8, {3}, {1, 2}};
  EXPECT_THAT(WriteNpy(dir.File("bad.npy"), bad).message(), HasSubstr("u8[3] needs 3 data bytes"));
  EXPECT_TRUE(dir.Entries().empty());
}

TEST(NpyFileTest, ReadErrorsNameThePath) {
  TempDir dir;
  std::string missing = dir.File("nope.npy");
  EXPECT_THAT(ReadNpy(missing).status().message(),
              HasSubstr("'" + missing + "': cannot open: No such file or directory"));
  EXPECT_THAT(ReadNpy(dir.File("")).status().message(), HasSubstr("is a directory"));

  std::string truncated = dir.File("short.npy");
  std::vector<uint8_t> bytes =
      SerializeNpy(NpyArray{NpyDType::kF32, {2, 3}, Bytes(F32Bytes({0, 1, 2, 3, 4, 5}))});
  std::ofstream(truncated, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()), bytes.size() - 4);
  EXPECT_THAT(ReadNpy(truncated).status().message(),
              HasSubstr("'" + truncated + "': truncated data: f32[2,3] needs 24 bytes, found 20"));
}

}  // namespace
}  // namespace kiln::rt
