// The artifact schema's element types as runtime DTypes. The schema's `DType` enum lists the
// same types as rt::DType in the same order, so the conversion is a cast; the static_asserts
// below keep the two lists in step.
//
//   const artifact::Tensor& t = ...;             // from a checked Artifact (dtype in range)
//   DType dtype = ToDType(t.dtype());
//   int64_t bytes = DTypeStorageBytes(dtype, 16);
#pragma once

#include "codegen/schema/kiln_artifact_generated.h"
#include "runtime/core/dtype.h"

namespace kiln::rt {

#define KILN_ARTIFACT_DTYPE_PAIRS(X) \
  X(F32, kF32)                       \
  X(F16, kF16)                       \
  X(BF16, kBF16)                     \
  X(I8, kI8)                         \
  X(U8, kU8)                         \
  X(I4, kI4)                         \
  X(U4, kU4)                         \
  X(I16, kI16)                       \
  X(I32, kI32)                       \
  X(I64, kI64)                       \
  X(Bool, kBool)                     \
  X(F64, kF64)                       \
  X(U16, kU16)                       \
  X(U32, kU32)                       \
  X(U64, kU64)

#define KILN_X(schema, runtime)                                                                \
  static_assert(static_cast<int>(artifact::DType::schema) == static_cast<int>(DType::runtime), \
                "artifact::DType::" #schema " and rt::DType::" #runtime " differ");
KILN_ARTIFACT_DTYPE_PAIRS(KILN_X)
#undef KILN_X
static_assert(static_cast<int>(artifact::DType::MAX) + 1 == kNumDTypes,
              "the schema's DType list and rt::DType have different lengths");

// True if `dtype` is one of the schema's values (a hostile file can hold any byte).
constexpr bool IsKnownDType(artifact::DType dtype) {
  return static_cast<int>(dtype) <= static_cast<int>(artifact::DType::MAX);
}

// Only for a known dtype (see IsKnownDType; every tensor of a loaded Artifact has one).
constexpr DType ToDType(artifact::DType dtype) { return static_cast<DType>(dtype); }

}  // namespace kiln::rt
