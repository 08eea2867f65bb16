#include "passes/layout/register.h"

#include "passes/layout/channels_last.h"
#include "passes/layout/sink_transposes.h"

namespace kiln {

void RegisterLayoutPasses(PassRegistry& registry) {
  registry.Register("channels-last",
                    "Make NCHW conv and pooling ops of rank 4 NHWC (weights repacked for "
                    "XNNPACK), between transposes",
                    OptionlessFactory<ChannelsLastPass>());
  registry.Register("sink-transposes",
                    "Move transposes past elementwise ops until they cancel; fold the rest into "
                    "reshapes or classifier weights",
                    OptionlessFactory<SinkTransposesPass>());
}

}  // namespace kiln
