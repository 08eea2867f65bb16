#include "runtime/edge/xnn_api.h"

namespace kiln::edge {
namespace {

std::string_view StatusName(xnn_status status) {
  switch (status) {
    case xnn_status_success:
      return "success";
    case xnn_status_uninitialized:
      return "XNNPACK is not initialized";
    case xnn_status_invalid_parameter:
      return "invalid parameter";
    case xnn_status_invalid_state:
      return "invalid state";
    case xnn_status_unsupported_parameter:
      return "unsupported parameter";
    case xnn_status_unsupported_hardware:
      return "unsupported hardware";
    case xnn_status_out_of_memory:
      return "out of memory";
  }
  return "unknown status";
}

}  // namespace

rt::Status InitializeXnnpack() {
  static const xnn_status status = xnn_initialize(/*allocator=*/nullptr);
  if (status != xnn_status_success) return XnnError(status, "edge runtime", "initialization");
  return rt::Status::Ok();
}

rt::Status XnnError(xnn_status status, std::string_view where, std::string_view what) {
  return rt::Status::Error(std::string(where) + ": XNNPACK " + std::string(what) +
                           " failed: " + std::string(StatusName(status)));
}

ThreadPool MakeThreadPool(int threads) {
  if (threads <= 1) return nullptr;
  return ThreadPool(pthreadpool_create(static_cast<size_t>(threads)));
}

}  // namespace kiln::edge
