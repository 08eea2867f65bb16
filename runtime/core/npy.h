// Reading and writing NumPy `.npy` files: the tensor exchange format of `kiln run` (one
// DIR/<name>.npy per output), of calibration data folders and of the edge runner.
//
// The reader takes any version (1.0, 2.0, 3.0) numpy writes for a plain numeric array, swaps
// big-endian data to little-endian, and rejects everything else (Fortran order, object,
// string and structured dtypes, truncated or oversized data) with a one-line error
// "'<path>': <what is wrong>". It never crashes on any input. The writer emits the bytes numpy
// itself would write (version 1.0 unless the header needs 2.0, data aligned to 64 bytes), and
// replaces the destination atomically.
//
//   Result<NpyArray> x = ReadNpy("calib/input_0.npy");
//   if (!x.ok()) return x.status();
//   Status s = WriteNpy("out/logits.npy", *x);
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/core/result.h"

namespace kiln::rt {

// X(enumerator, name, numpy kind character, element size in bytes). Each dtype listed once.
#define KILN_NPY_DTYPES(X) \
  X(kF32, "f32", 'f', 4)   \
  X(kF64, "f64", 'f', 8)   \
  X(kF16, "f16", 'f', 2)   \
  X(kI8, "i8", 'i', 1)     \
  X(kU8, "u8", 'u', 1)     \
  X(kI16, "i16", 'i', 2)   \
  X(kU16, "u16", 'u', 2)   \
  X(kI32, "i32", 'i', 4)   \
  X(kU32, "u32", 'u', 4)   \
  X(kI64, "i64", 'i', 8)   \
  X(kU64, "u64", 'u', 8)   \
  X(kBool, "bool", 'b', 1)

enum class NpyDType {
#define KILN_NPY_ENUMERATOR(e, name, kind, size) e,
  KILN_NPY_DTYPES(KILN_NPY_ENUMERATOR)
#undef KILN_NPY_ENUMERATOR
};

inline constexpr int kNumNpyDTypes = 0
#define KILN_NPY_COUNT(e, name, kind, size) +1
    KILN_NPY_DTYPES(KILN_NPY_COUNT)
#undef KILN_NPY_COUNT
    ;
static_assert(kNumNpyDTypes == 12);

// "f32", "i8", "bool", ...
std::string_view NpyDTypeName(NpyDType dtype);
// Bytes per element: 4 for kF32, 1 for kBool, ...
int64_t NpyDTypeSize(NpyDType dtype);
// The descr numpy writes for it: "<f4", "|u1", "|b1", ...
std::string NpyDescr(NpyDType dtype);

// A dense array: data in C order, little-endian, exactly num_elements() * NpyDTypeSize(dtype)
// bytes. An empty shape is a scalar (one element); a zero in the shape makes it empty.
struct NpyArray {
  NpyDType dtype = NpyDType::kF32;
  std::vector<int64_t> shape;
  std::vector<uint8_t> data;

  // Product of the shape (1 for a scalar). Only meaningful for a valid array; see CheckNpyArray.
  int64_t num_elements() const;
};

// Ok if the shape has no negative dims, its size does not overflow, and data has exactly the
// right number of bytes. `name_for_errors` starts the message.
Status CheckNpyArray(const NpyArray& array, std::string_view name_for_errors);

// Parses the bytes of a whole .npy file; `name_for_errors` (usually the path) starts messages.
Result<NpyArray> ParseNpy(std::span<const uint8_t> bytes, std::string_view name_for_errors);

// Reads and parses the file at `path`.
Result<NpyArray> ReadNpy(const std::string& path);

// The bytes of a .npy file holding `array`, exactly as numpy.save writes them. Empty if the
// array fails CheckNpyArray (a real .npy file is never empty).
std::vector<uint8_t> SerializeNpy(const NpyArray& array);

// Writes `array` to `path` atomically: a temp file in the same directory, fsync, rename. On
// failure no temp file and no partial destination are left behind.
Status WriteNpy(const std::string& path, const NpyArray& array);

}  // namespace kiln::rt
