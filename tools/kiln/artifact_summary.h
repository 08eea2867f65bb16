// A human-readable summary of a loaded `.kiln` artifact for `kiln inspect`: header fields,
// checksum, signature (symbolic dims with their planned maximum), op counts per kernel, memory
// plan and constant sizes, packed constants with their encoding, metadata.
//
//   Result<std::unique_ptr<rt::Artifact>> a = rt::Artifact::Load("m.kiln", "");
//   std::cout << SummarizeArtifact(**a);
//   // artifact 'm.kiln': 1,856 bytes (1.8 KiB)
//   // checksum: ok (5e1f0c2a9b7d3864)
//   // format version 3, target cloud ...
#pragma once

#include <string>

#include "runtime/core/artifact.h"

namespace kiln::cli {

std::string SummarizeArtifact(const rt::Artifact& artifact);

}  // namespace kiln::cli
