// Constants of the .kiln artifact format that the writer (codegen/) and the readers
// (runtime/core/) must agree on; the layout itself is codegen/schema/kiln_artifact.fbs.
//
//   builder.Finish(model, kArtifactIdentifier);
//   if (model->format_version() != kArtifactFormatVersion) return Error(...);
#pragma once

#include <cstdint>

namespace kiln::rt {

// FlatBuffers file identifier (bytes 4..7 of every artifact).
inline constexpr char kArtifactIdentifier[] = "KILN";
// Readers accept exactly this version; bump it on any change an older reader would misread.
inline constexpr uint32_t kArtifactFormatVersion = 1;
// Arena offsets and constant offsets are multiples of this (oneDNN and XNNPACK like 64).
inline constexpr uint32_t kArtifactAlignment = 64;
// The symbol of a dim the compiler could not name (a product of symbols such as N*8): its size
// is known only when the kernel writing the tensor computes it. Never in the `dims` table.
inline constexpr char kUnknownDimSymbol[] = "?";
// File extension, for messages and defaults.
inline constexpr char kArtifactExtension[] = ".kiln";

}  // namespace kiln::rt
