// Constants of the .kiln artifact format that the writer (codegen/) and the readers
// (runtime/core/) must agree on; the layout itself is codegen/schema/kiln_artifact.fbs, followed
// by the checksum trailer of artifact_checksum.h.
//
//   builder.Finish(model, kArtifactIdentifier);
//   if (model->format_version() != kArtifactFormatVersion) return Error(...);
#pragma once

#include <cstddef>
#include <cstdint>

namespace kiln::rt {

// FlatBuffers file identifier (bytes 4..7 of every artifact).
inline constexpr char kArtifactIdentifier[] = "KILN";
// Readers accept exactly this version; bump it on any change an older reader would misread.
// Version 2 added the checksum trailer. Version 3 added packed constants (Tensor.packed).
inline constexpr uint32_t kArtifactFormatVersion = 3;
// The first version with the checksum trailer: a file without one is older (or corrupt).
inline constexpr uint32_t kChecksumTrailerFormatVersion = 2;
// Arena offsets and constant offsets are multiples of this (oneDNN and XNNPACK like 64).
inline constexpr uint32_t kArtifactAlignment = 64;
// The symbol of a dim the compiler could not name (a product of symbols such as N*8): its size
// is known only when the kernel writing the tensor computes it. Never in the `dims` table.
inline constexpr char kUnknownDimSymbol[] = "?";
// File extension, for messages and defaults.
inline constexpr char kArtifactExtension[] = ".kiln";
// The last 16 bytes of every artifact: these 8 bytes (no terminating NUL in the file), then the
// little-endian u64 checksum of everything before them (artifact_checksum.h).
inline constexpr char kChecksumTrailerMagic[] = "KILNSUM1";
inline constexpr size_t kChecksumTrailerMagicBytes = 8;
inline constexpr size_t kChecksumTrailerBytes = 16;
static_assert(sizeof(kChecksumTrailerMagic) == kChecksumTrailerMagicBytes + 1);

}  // namespace kiln::rt
