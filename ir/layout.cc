#include "ir/layout.h"

#include <string>
#include <variant>

#include "ir/str_cat.h"

namespace kiln::ir {
namespace {

constexpr std::string_view kLayout = "layout";

}  // namespace

bool HasLayoutAttr(OpKind kind) {
  switch (kind) {
    case OpKind::kConv:
    case OpKind::kConvTranspose:
    case OpKind::kMaxPool:
    case OpKind::kAveragePool:
    case OpKind::kGlobalAveragePool:
    case OpKind::kGlobalMaxPool:
      return true;
    default:
      return false;
  }
}

std::string_view LayoutName(Layout layout) { return layout == Layout::kNhwc ? "NHWC" : "NCHW"; }

std::optional<Layout> ParseLayout(std::string_view name) {
  if (name == "NCHW") return Layout::kNchw;
  if (name == "NHWC") return Layout::kNhwc;
  return std::nullopt;
}

Expected<Layout> GetLayout(const Op& op) {
  if (!HasLayoutAttr(op.kind())) return Layout::kNchw;
  const AttrValue* value = op.attrs().Find(kLayout);
  if (value == nullptr) return Layout::kNchw;
  const std::string* s = std::get_if<std::string>(value);
  std::optional<Layout> layout = s ? ParseLayout(*s) : std::nullopt;
  if (!layout) {
    return Status::Error(
        StrCat("layout ", FormatAttrValue(*value), " is not \"NCHW\" or \"NHWC\""));
  }
  return *layout;
}

bool IsChannelsLast(const Op& op) {
  Expected<Layout> layout = GetLayout(op);
  return layout.ok() && *layout == Layout::kNhwc;
}

void SetLayout(Op& op, Layout layout) {
  if (layout == Layout::kNchw) {
    op.attrs().Remove(kLayout);
  } else {
    op.attrs().Set(kLayout, std::string(LayoutName(layout)));
  }
}

NhwcWeightForm NhwcConvWeightForm(int64_t group, std::optional<int64_t> weight_dim0) {
  return group > 1 && weight_dim0 == 1 ? NhwcWeightForm::kDepthwise : NhwcWeightForm::kOhwi;
}

}  // namespace kiln::ir
