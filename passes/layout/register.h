// Registers the layout passes (channels-last, sink-transposes): NCHW convs and pools made
// channels-last (NHWC, ir/layout.h) for runtimes that want it (XNNPACK), and the transposes
// that adds moved until they cancel.
//
//   PassRegistry registry;
//   RegisterLayoutPasses(registry);
#pragma once

#include "passes/registry.h"

namespace kiln {

void RegisterLayoutPasses(PassRegistry& registry);

}  // namespace kiln
