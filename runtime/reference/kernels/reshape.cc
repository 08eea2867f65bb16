#include "runtime/reference/kernels/reshape.h"

#include <algorithm>
#include <string>

#include "runtime/reference/kernels/resolve_axis.h"

namespace kiln::ref {

rt::Result<Shape> ReshapeShape(const Shape& in, std::span<const int64_t> spec, bool allowzero) {
  Shape out(spec.begin(), spec.end());
  int inferred = -1;
  bool has_zero = false;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == -1) {
      if (inferred >= 0) return rt::Status::Error("reshape: more than one -1 in the shape");
      inferred = static_cast<int>(i);
    } else if (out[i] == 0) {
      has_zero = true;
      if (!allowzero) {
        if (i >= in.size()) {
          return rt::Status::Error("reshape: 0 at position " + std::to_string(i) +
                                   " has no input dim to copy in " + ShapeString(in));
        }
        out[i] = in[i];
      }
    } else if (out[i] < -1) {
      return rt::Status::Error("reshape: invalid dim " + std::to_string(out[i]));
    }
  }
  if (allowzero && has_zero && inferred >= 0) {
    return rt::Status::Error("reshape: allowzero forbids combining 0 and -1");
  }
  int64_t total = NumElements(in);
  if (inferred >= 0) {
    int64_t known = 1;
    for (size_t i = 0; i < out.size(); ++i) {
      if (static_cast<int>(i) != inferred) known *= out[i];
    }
    if (known == 0 || total % known != 0) {
      return rt::Status::Error("reshape: cannot infer -1 reshaping " + ShapeString(in) + " to " +
                               ShapeString(Shape(spec.begin(), spec.end())));
    }
    out[inferred] = total / known;
  }
  if (NumElements(out) != total) {
    return rt::Status::Error("reshape: " + ShapeString(in) + " has " + std::to_string(total) +
                             " elements, " + ShapeString(out) + " has " +
                             std::to_string(NumElements(out)));
  }
  return out;
}

rt::Result<Shape> FlattenShape(const Shape& in, int64_t axis) {
  int rank = static_cast<int>(in.size());
  if (axis < -rank || axis > rank) {
    return rt::Status::Error("flatten: axis " + std::to_string(axis) +
                             " is out of range for rank " + std::to_string(rank));
  }
  if (axis < 0) axis += rank;
  int64_t outer = NumElements(Shape(in.begin(), in.begin() + axis));
  int64_t inner = NumElements(Shape(in.begin() + axis, in.end()));
  return Shape{outer, inner};
}

rt::Result<Shape> SqueezeShape(const Shape& in, std::span<const int64_t> axes) {
  int rank = static_cast<int>(in.size());
  rt::Result<std::vector<int>> resolved = ResolveAxes(axes, rank, "squeeze");
  if (!resolved.ok()) return resolved.status();
  Shape out;
  for (int i = 0; i < rank; ++i) {
    bool listed = std::find(resolved->begin(), resolved->end(), i) != resolved->end();
    if (listed && in[i] != 1) {
      return rt::Status::Error("squeeze: dim " + std::to_string(i) + " of " + ShapeString(in) +
                               " is not 1");
    }
    bool drop = axes.empty() ? in[i] == 1 : listed;
    if (!drop) out.push_back(in[i]);
  }
  return out;
}

rt::Result<Shape> UnsqueezeShape(const Shape& in, std::span<const int64_t> axes) {
  int rank = static_cast<int>(in.size() + axes.size());
  rt::Result<std::vector<int>> resolved = ResolveAxes(axes, rank, "unsqueeze");
  if (!resolved.ok()) return resolved.status();
  Shape out;
  size_t next = 0;
  for (int i = 0; i < rank; ++i) {
    bool listed = std::find(resolved->begin(), resolved->end(), i) != resolved->end();
    out.push_back(listed ? 1 : in[next++]);
  }
  return out;
}

}  // namespace kiln::ref
