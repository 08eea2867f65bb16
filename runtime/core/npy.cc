#include "runtime/core/npy.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iterator>

#include "runtime/core/npy_header.h"

namespace kiln::rt {
namespace {

// NpyArray data is little-endian; so are x86-64 and aarch64 Linux. '=' (native) in a descr is
// taken to mean little-endian, which is only right on such a host.
static_assert(std::endian::native == std::endian::little, "Kiln assumes a little-endian host");

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicLen = 6;
constexpr size_t kArrayAlign = 64;
// A sane header is well under a kilobyte; this only bounds what a hostile file can make us do.
constexpr uint32_t kMaxHeaderLen = 1 << 20;

struct DTypeInfo {
  NpyDType dtype;
  std::string_view name;
  char kind;
  int64_t size;
};

constexpr DTypeInfo kDTypes[] = {
#define KILN_NPY_INFO(e, name, kind, size) {NpyDType::e, name, kind, size},
    KILN_NPY_DTYPES(KILN_NPY_INFO)
#undef KILN_NPY_INFO
};
static_assert(std::size(kDTypes) == kNumNpyDTypes);

const DTypeInfo& Info(NpyDType dtype) { return kDTypes[static_cast<int>(dtype)]; }

Status Error(std::string_view name, const std::string& what) {
  return Status::Error("'" + std::string(name) + "': " + what);
}

// "f32[2,3]", "u8[]".
std::string TypeText(NpyDType dtype, const std::vector<int64_t>& shape) {
  std::string text(NpyDTypeName(dtype));
  text += "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) text += ",";
    text += std::to_string(shape[i]);
  }
  return text + "]";
}

// Size in bytes of `shape` elements of `item_size` bytes; false on a negative dim or overflow.
bool ByteSize(const std::vector<int64_t>& shape, int64_t item_size, int64_t& bytes) {
  if (std::any_of(shape.begin(), shape.end(), [](int64_t d) { return d < 0; })) return false;
  if (std::find(shape.begin(), shape.end(), 0) != shape.end()) {
    bytes = 0;  // Empty, however large the other dims are.
    return true;
  }
  int64_t total = item_size;
  for (int64_t dim : shape) {
    if (__builtin_mul_overflow(total, dim, &total)) return false;
  }
  bytes = total;
  return true;
}

struct Descr {
  NpyDType dtype;
  bool big_endian;
};

// "<f4", "|u1", ">i8", "=f2", "f4" (no byte order: native).
Result<Descr> ParseDescr(std::string_view descr) {
  auto unsupported = [&](const std::string& what) {
    return Status::Error(what + " '" + PrintableForMessage(descr) + "' is not supported");
  };
  std::string_view rest = descr;
  char order = rest.empty() ? '\0' : rest.front();
  if (order == '<' || order == '>' || order == '=' || order == '|') rest.remove_prefix(1);
  if (rest.empty()) return unsupported("dtype");
  char kind = rest.front();
  std::string_view size_text = rest.substr(1);
  switch (kind) {
    case 'O':
      return unsupported("object dtype");
    case 'U':
    case 'S':
    case 'a':
      return unsupported("string dtype");
    case 'V':
      return unsupported("void (structured) dtype");
    case 'c':
      return unsupported("complex dtype");
    case 'M':
    case 'm':
      return unsupported("datetime dtype");
    default:
      break;
  }
  if (size_text.empty() || size_text.size() > 2 ||
      !std::all_of(size_text.begin(), size_text.end(),
                   [](char c) { return c >= '0' && c <= '9'; })) {
    return unsupported("dtype");
  }
  int64_t size = 0;
  for (char c : size_text) size = size * 10 + (c - '0');
  for (const DTypeInfo& info : kDTypes) {
    if (info.kind == kind && info.size == size) return Descr{info.dtype, order == '>' && size > 1};
  }
  return unsupported("dtype");
}

void SwapBytes(std::vector<uint8_t>& data, int64_t item_size) {
  size_t n = static_cast<size_t>(item_size);
  for (size_t i = 0; i + n <= data.size(); i += n)
    std::reverse(data.begin() + i, data.begin() + i + n);
}

uint32_t ReadLittleEndian(const uint8_t* p, int bytes) {
  uint32_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

void AppendLittleEndian(std::vector<uint8_t>& out, uint32_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

Status WriteError(const std::string& path, int err) {
  return Error(path, std::string("cannot write: ") + std::strerror(err));
}

// 0, or the errno of the failed write.
int WriteAll(int fd, const std::vector<uint8_t>& bytes) {
  const uint8_t* p = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    ssize_t n = write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  return 0;
}

}  // namespace

std::string_view NpyDTypeName(NpyDType dtype) { return Info(dtype).name; }

int64_t NpyDTypeSize(NpyDType dtype) { return Info(dtype).size; }

std::string NpyDescr(NpyDType dtype) {
  const DTypeInfo& info = Info(dtype);
  return std::string(1, info.size == 1 ? '|' : '<') + info.kind + std::to_string(info.size);
}

int64_t NpyArray::num_elements() const {
  int64_t n = 1;
  for (int64_t dim : shape) {
    if (dim < 0 || __builtin_mul_overflow(n, dim, &n)) return -1;
  }
  return n;
}

Status CheckNpyArray(const NpyArray& array, std::string_view name_for_errors) {
  if (static_cast<unsigned>(array.dtype) >= static_cast<unsigned>(kNumNpyDTypes)) {
    return Error(name_for_errors, "invalid dtype");
  }
  int64_t bytes = 0;
  if (!ByteSize(array.shape, NpyDTypeSize(array.dtype), bytes)) {
    return Error(name_for_errors, "shape " + TypeText(array.dtype, array.shape) +
                                      " has a negative dimension or is too large");
  }
  if (static_cast<uint64_t>(bytes) != array.data.size()) {
    return Error(name_for_errors, TypeText(array.dtype, array.shape) + " needs " +
                                      std::to_string(bytes) + " data bytes, has " +
                                      std::to_string(array.data.size()));
  }
  return Status::Ok();
}

Result<NpyArray> ParseNpy(std::span<const uint8_t> bytes, std::string_view name_for_errors) {
  auto error = [&](const std::string& what) { return Error(name_for_errors, what); };
  if (bytes.size() < kMagicLen + 2 || std::memcmp(bytes.data(), kMagic, kMagicLen) != 0) {
    return error("not a .npy file (no \\x93NUMPY magic)");
  }
  int major = bytes[kMagicLen], minor = bytes[kMagicLen + 1];
  if ((major != 1 && major != 2 && major != 3) || minor != 0) {
    return error("unsupported .npy format version " + std::to_string(major) + "." +
                 std::to_string(minor) + " (supported: 1.0, 2.0, 3.0)");
  }
  size_t len_bytes = major == 1 ? 2 : 4;
  size_t prefix = kMagicLen + 2 + len_bytes;
  if (bytes.size() < prefix) return error("truncated header");
  uint32_t header_len = ReadLittleEndian(bytes.data() + kMagicLen + 2, static_cast<int>(len_bytes));
  if (header_len > kMaxHeaderLen) {
    return error("header length " + std::to_string(header_len) + " exceeds the limit of " +
                 std::to_string(kMaxHeaderLen) + " bytes");
  }
  if (bytes.size() - prefix < header_len) {
    return error("truncated header: expected " + std::to_string(header_len) + " bytes, found " +
                 std::to_string(bytes.size() - prefix));
  }
  std::string_view header_text(reinterpret_cast<const char*>(bytes.data() + prefix), header_len);
  Result<NpyHeaderDict> dict = ParseNpyHeaderDict(header_text);
  if (!dict.ok()) return error(dict.status().message());
  if (dict->fortran_order) {
    return error("Fortran-order arrays are not supported; save with np.ascontiguousarray");
  }
  Result<Descr> descr = ParseDescr(dict->descr);
  if (!descr.ok()) return error(descr.status().message());

  NpyArray array;
  array.dtype = descr->dtype;
  array.shape = std::move(dict->shape);
  std::span<const uint8_t> data = bytes.subspan(prefix + header_len);
  int64_t expected = 0;
  if (!ByteSize(array.shape, NpyDTypeSize(array.dtype), expected)) {
    return error("shape " + TypeText(array.dtype, array.shape) + " is too large");
  }
  std::string type_text = TypeText(array.dtype, array.shape);
  if (static_cast<uint64_t>(expected) > data.size()) {
    return error("truncated data: " + type_text + " needs " + std::to_string(expected) +
                 " bytes, found " + std::to_string(data.size()));
  }
  if (static_cast<uint64_t>(expected) < data.size()) {
    return error(std::to_string(data.size() - expected) + " unexpected bytes after the data (" +
                 type_text + " needs " + std::to_string(expected) + " bytes)");
  }
  array.data.assign(data.begin(), data.end());
  if (descr->big_endian) SwapBytes(array.data, NpyDTypeSize(array.dtype));
  return array;
}

Result<NpyArray> ReadNpy(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error(path, std::string("cannot open: ") + std::strerror(errno));
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int err = errno;
    close(fd);
    return Error(path, std::string("cannot stat: ") + std::strerror(err));
  }
  if (!S_ISREG(st.st_mode)) {
    close(fd);
    return Error(path, S_ISDIR(st.st_mode) ? "is a directory" : "is not a regular file");
  }
  std::vector<uint8_t> bytes(static_cast<size_t>(st.st_size));
  size_t got = 0;
  while (got < bytes.size()) {
    ssize_t n = read(fd, bytes.data() + got, bytes.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      close(fd);
      return Error(path, std::string("read error: ") + std::strerror(err));
    }
    if (n == 0) break;  // The file shrank while we read it; parse what is there.
    got += static_cast<size_t>(n);
  }
  close(fd);
  bytes.resize(got);
  return ParseNpy(bytes, path);
}

std::vector<uint8_t> SerializeNpy(const NpyArray& array) {
  if (!CheckNpyArray(array, "").ok()) return {};
  std::string dict = FormatNpyHeaderDict(NpyDescr(array.dtype), array.shape);
  // As numpy.lib.format._wrap_header: dict, spaces, '\n', so the data starts at a multiple of
  // 64 (a whole 64 bytes of padding when already aligned); version 2.0 once the length
  // no longer fits in 16 bits.
  std::vector<uint8_t> out;
  for (int version = 1; version <= 2; ++version) {
    size_t len_bytes = version == 1 ? 2 : 4;
    size_t text_len = dict.size() + 1;
    size_t pad = kArrayAlign - (kMagicLen + 2 + len_bytes + text_len) % kArrayAlign;
    size_t header_len = text_len + pad;
    if (version == 1 && header_len > 0xffff) continue;
    out.reserve(kMagicLen + 2 + len_bytes + header_len + array.data.size());
    out.insert(out.end(), kMagic, kMagic + kMagicLen);
    out.push_back(static_cast<uint8_t>(version));
    out.push_back(0);
    AppendLittleEndian(out, static_cast<uint32_t>(header_len), static_cast<int>(len_bytes));
    out.insert(out.end(), dict.begin(), dict.end());
    out.insert(out.end(), pad, ' ');
    out.push_back('\n');
    break;
  }
  out.insert(out.end(), array.data.begin(), array.data.end());
  return out;
}

Status WriteNpy(const std::string& path, const NpyArray& array) {
  if (Status s = CheckNpyArray(array, path); !s.ok()) return s;
  std::vector<uint8_t> bytes = SerializeNpy(array);

  std::filesystem::path dest(path);
  std::filesystem::path dir = dest.has_parent_path() ? dest.parent_path() : ".";
  std::string tmpl = (dir / ("." + dest.filename().string() + ".tmp.XXXXXX")).string();
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  int fd = mkstemp(name.data());
  if (fd < 0) return WriteError(path, errno);
  std::string tmp(name.data());
  auto fail = [&](int err) {
    if (fd >= 0) close(fd);
    unlink(tmp.c_str());
    return WriteError(path, err);
  };

  if (int err = WriteAll(fd, bytes); err != 0) return fail(err);
  if (fsync(fd) != 0) return fail(errno);
  // mkstemp creates 0600; give the file the permissions a normal create would.
  mode_t mask = umask(0);
  umask(mask);
  if (fchmod(fd, 0666 & ~mask) != 0) return fail(errno);
  int closed = close(fd);
  fd = -1;
  if (closed != 0) return fail(errno);
  if (rename(tmp.c_str(), path.c_str()) != 0) return fail(errno);
  return Status::Ok();
}

}  // namespace kiln::rt
