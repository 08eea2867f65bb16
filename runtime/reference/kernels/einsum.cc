#include "runtime/reference/kernels/einsum.h"

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <string>
#include <type_traits>
#include <vector>

#include "runtime/reference/kernels/dtype_dispatch.h"
#include "runtime/reference/kernels/gemm.h"
#include "runtime/reference/kernels/strided_copy.h"

namespace kiln::ref {
namespace {

// Label ids: letters first, in ASCII order ('A'..'Z' = 0..25, 'a'..'z' = 26..51) so sorting
// ids sorts letters the way numpy orders an implicit output; the dims "..." stands for come
// after, right-aligned across operands (the last "..." dim of every operand shares one id).
constexpr int kNumLetters = 52;
constexpr int kEllipsis = -1;

rt::Status EinsumError(const std::string& message) {
  return rt::Status::Error("einsum: " + message);
}

// The labels of one term in dim order, with kEllipsis where "..." stands.
rt::Result<std::vector<int>> ParseTerm(std::string_view term) {
  std::vector<int> labels;
  bool ellipsis = false;
  for (size_t i = 0; i < term.size(); ++i) {
    const char c = term[i];
    if (c == '.') {
      if (term.substr(i, 3) != "..." || ellipsis) {
        return EinsumError("term \"" + std::string(term) + "\" has a malformed or second \"...\"");
      }
      ellipsis = true;
      labels.push_back(kEllipsis);
      i += 2;
    } else if (c >= 'A' && c <= 'Z') {
      labels.push_back(c - 'A');
    } else if (c >= 'a' && c <= 'z') {
      labels.push_back(26 + (c - 'a'));
    } else {
      return EinsumError("unexpected character '" + std::string(1, c) + "' in \"" +
                         std::string(term) + "\"");
    }
  }
  return labels;
}

std::vector<std::string_view> SplitTerms(std::string_view lhs) {
  std::vector<std::string_view> terms;
  size_t start = 0;
  while (true) {
    const size_t comma = lhs.find(',', start);
    terms.push_back(lhs.substr(start, comma == std::string_view::npos ? comma : comma - start));
    if (comma == std::string_view::npos) return terms;
    start = comma + 1;
  }
}

// The loop nest the equation describes: loop dims are the output's dims (in output order)
// followed by the summed dims; strides[k][j] is how far operand k moves per step of loop dim j
// (0 if the operand lacks the label or broadcasts it; the sum of two dims' strides for a
// repeated label, which walks the diagonal). dim_loops[k][d] is the loop dim of operand k's
// dim d.
struct EinsumPlan {
  std::vector<int64_t> sizes;
  int num_out = 0;
  Shape out_shape;
  std::vector<std::vector<int64_t>> strides;
  std::vector<std::vector<int>> dim_loops;
  bool diagonal_or_broadcast = false;  // some operand repeats a label or broadcasts a dim
};

rt::Result<EinsumPlan> MakePlan(std::string_view equation, std::span<const Tensor> operands) {
  std::string eq;
  for (char c : equation) {
    if (!std::isspace(static_cast<unsigned char>(c))) eq.push_back(c);
  }
  const size_t arrow = eq.find("->");
  const std::string_view lhs = std::string_view(eq).substr(0, arrow);
  const std::vector<std::string_view> term_texts = SplitTerms(lhs);
  if (term_texts.size() != operands.size()) {
    return EinsumError("equation \"" + std::string(equation) + "\" has " +
                       std::to_string(term_texts.size()) + " input terms but there are " +
                       std::to_string(operands.size()) + " operands");
  }

  // Each operand's dims as label ids.
  const int num_ops = static_cast<int>(operands.size());
  std::vector<std::vector<int>> terms(num_ops);
  std::vector<int> ellipsis_rank(num_ops, 0);
  int max_ellipsis = 0;
  for (int k = 0; k < num_ops; ++k) {
    rt::Result<std::vector<int>> term = ParseTerm(term_texts[k]);
    if (!term.ok()) return term.status();
    terms[k] = std::move(*term);
    const bool has_ellipsis =
        std::find(terms[k].begin(), terms[k].end(), kEllipsis) != terms[k].end();
    const int letters = static_cast<int>(terms[k].size()) - (has_ellipsis ? 1 : 0);
    const int rank = operands[k].rank();
    if (rank < letters || (!has_ellipsis && rank != letters)) {
      return EinsumError("term \"" + std::string(term_texts[k]) + "\" does not fit operand " +
                         std::to_string(k) + " of shape " + ShapeString(operands[k].shape()));
    }
    ellipsis_rank[k] = rank - letters;
    max_ellipsis = std::max(max_ellipsis, ellipsis_rank[k]);
  }
  const int num_labels = kNumLetters + max_ellipsis;
  std::vector<std::vector<int>> dim_labels(num_ops);
  for (int k = 0; k < num_ops; ++k) {
    for (int label : terms[k]) {
      if (label != kEllipsis) {
        dim_labels[k].push_back(label);
        continue;
      }
      for (int t = 0; t < ellipsis_rank[k]; ++t) {
        dim_labels[k].push_back(kNumLetters + max_ellipsis - ellipsis_rank[k] + t);
      }
    }
  }

  // Label sizes; a size-1 dim broadcasts against a larger one, as numpy allows.
  std::vector<int64_t> size(num_labels, -1);
  std::vector<int> count(num_labels, 0);
  for (int k = 0; k < num_ops; ++k) {
    for (int d = 0; d < operands[k].rank(); ++d) {
      const int label = dim_labels[k][d];
      const int64_t s = operands[k].dim(d);
      ++count[label];
      if (size[label] == -1 || size[label] == 1) {
        size[label] = s;
      } else if (s != 1 && s != size[label]) {
        return EinsumError("operand " + std::to_string(k) + " of shape " +
                           ShapeString(operands[k].shape()) + " has dim " + std::to_string(d) +
                           " of size " + std::to_string(s) + " where its label has size " +
                           std::to_string(size[label]));
      }
    }
  }

  std::vector<int> out_labels;
  if (arrow != std::string::npos) {
    rt::Result<std::vector<int>> out = ParseTerm(std::string_view(eq).substr(arrow + 2));
    if (!out.ok()) return out.status();
    for (int label : *out) {
      if (label == kEllipsis) {
        for (int t = 0; t < max_ellipsis; ++t) out_labels.push_back(kNumLetters + t);
      } else if (count[label] == 0) {
        return EinsumError("output label of \"" + std::string(equation) + "\" is not in any input");
      } else if (std::find(out_labels.begin(), out_labels.end(), label) != out_labels.end()) {
        return EinsumError("output of \"" + std::string(equation) + "\" repeats a label");
      } else {
        out_labels.push_back(label);
      }
    }
  } else {
    for (int t = 0; t < max_ellipsis; ++t) out_labels.push_back(kNumLetters + t);
    for (int label = 0; label < kNumLetters; ++label) {
      if (count[label] == 1) out_labels.push_back(label);
    }
  }

  EinsumPlan plan;
  std::vector<int> loop_of(num_labels, -1);
  auto add_loop = [&](int label) {
    loop_of[label] = static_cast<int>(plan.sizes.size());
    plan.sizes.push_back(size[label]);
  };
  for (int label : out_labels) {
    add_loop(label);
    plan.out_shape.push_back(size[label]);
  }
  plan.num_out = static_cast<int>(out_labels.size());
  for (int label = 0; label < num_labels; ++label) {
    if (count[label] > 0 && loop_of[label] == -1) add_loop(label);
  }

  plan.strides.assign(num_ops, std::vector<int64_t>(plan.sizes.size(), 0));
  plan.dim_loops.resize(num_ops);
  for (int k = 0; k < num_ops; ++k) {
    const Tensor& x = operands[k];
    int64_t stride = 1;
    std::vector<int64_t> seen_size(num_labels, -1);
    plan.dim_loops[k].resize(x.rank());
    for (int d = x.rank() - 1; d >= 0; --d) {
      const int label = dim_labels[k][d];
      plan.dim_loops[k][d] = loop_of[label];
      if (seen_size[label] != -1) {
        plan.diagonal_or_broadcast = true;
        if (seen_size[label] != x.dim(d)) {
          return EinsumError("operand " + std::to_string(k) + " repeats a label over dims of " +
                             "different sizes in " + ShapeString(x.shape()));
        }
      }
      seen_size[label] = x.dim(d);
      if (x.dim(d) != 1 || size[label] == 1) {
        plan.strides[k][loop_of[label]] += stride;
      } else {
        plan.diagonal_or_broadcast = true;
      }
      stride *= x.dim(d);
    }
  }
  return plan;
}

// Acc is double for floats and uint64_t for integers (wrapping products and sums, cast back
// to T at the end as two's complement).
template <typename T, typename Acc>
void Contract(const EinsumPlan& plan, std::span<const Tensor> operands, int threads, Tensor& y) {
  const int num_ops = static_cast<int>(operands.size());
  const int loops = static_cast<int>(plan.sizes.size());
  std::vector<const T*> data(num_ops);
  for (int k = 0; k < num_ops; ++k) data[k] = operands[k].data<T>();
  int64_t sum_n = 1;
  for (int j = plan.num_out; j < loops; ++j) sum_n *= plan.sizes[j];
  const int64_t out_n = y.num_elements();
  T* yp = y.mutable_data<T>();

#pragma omp parallel for num_threads(threads) if (threads > 1 && out_n > 1)
  for (int64_t o = 0; o < out_n; ++o) {
    std::vector<int64_t> off(num_ops, 0);
    int64_t rest = o;
    for (int j = plan.num_out - 1; j >= 0; --j) {
      const int64_t i = rest % plan.sizes[j];
      rest /= plan.sizes[j];
      for (int k = 0; k < num_ops; ++k) off[k] += i * plan.strides[k][j];
    }
    std::vector<int64_t> idx(loops, 0);
    Acc acc = 0;
    for (int64_t s = 0; s < sum_n; ++s) {
      Acc product = 1;
      for (int k = 0; k < num_ops; ++k) product *= static_cast<Acc>(data[k][off[k]]);
      acc += product;
      for (int j = loops - 1; j >= plan.num_out; --j) {
        if (++idx[j] < plan.sizes[j]) {
          for (int k = 0; k < num_ops; ++k) off[k] += plan.strides[k][j];
          break;
        }
        idx[j] = 0;
        for (int k = 0; k < num_ops; ++k) off[k] -= (plan.sizes[j] - 1) * plan.strides[k][j];
      }
    }
    yp[o] = static_cast<T>(acc);
  }
}

// The fast path for two f32 operands whose every loop dim is a batch (both operands and the
// output), row (first operand and output), column (second operand and output) or contracted
// (both operands only) dim: gathers the operands into [batch, M, K] and [batch, K, N]
// matrices, multiplies them and scatters the [batch, M, N] product into the output's order.
// Returns false, leaving y untouched, when the equation has another form.
bool TryMatMul(const EinsumPlan& plan, std::span<const Tensor> operands, int threads, Tensor& y) {
  if (operands.size() != 2 || operands[0].dtype() != DType::kF32 || plan.diagonal_or_broadcast) {
    return false;
  }
  const int loops = static_cast<int>(plan.sizes.size());
  std::vector<bool> in_a(loops, false), in_b(loops, false);
  for (int j : plan.dim_loops[0]) in_a[j] = true;
  for (int j : plan.dim_loops[1]) in_b[j] = true;
  std::vector<int> batch, rows, cols, inner;
  for (int j = 0; j < loops; ++j) {
    if (plan.sizes[j] == 0) return false;
    const bool out = j < plan.num_out;
    if (in_a[j] && in_b[j]) {
      (out ? batch : inner).push_back(j);
    } else if (out) {
      (in_a[j] ? rows : cols).push_back(j);
    } else {
      return false;  // summed within one operand
    }
  }
  auto product = [&](const std::vector<int>& js) {
    int64_t p = 1;
    for (int j : js) p *= plan.sizes[j];
    return p;
  };
  const int64_t nb = product(batch), m = product(rows), n = product(cols), k = product(inner);

  // Gathers operand `op` into a dense buffer whose dims are the loop dims `order`.
  auto gather = [&](int op, std::initializer_list<const std::vector<int>*> order) {
    Shape shape;
    std::vector<int64_t> src;
    for (const std::vector<int>* group : order) {
      for (int j : *group) {
        shape.push_back(plan.sizes[j]);
        src.push_back(plan.strides[op][j]);
      }
    }
    std::vector<float> dense(static_cast<size_t>(NumElements(shape)));
    CopyStrided(sizeof(float), shape, operands[op].data<float>(), src, dense.data(),
                DenseStrides(shape));
    return dense;
  };
  const std::vector<float> a = gather(0, {&batch, &rows, &inner});
  const std::vector<float> b = gather(1, {&batch, &inner, &cols});
  std::vector<float> c(static_cast<size_t>(nb * m * n));
  for (int64_t i = 0; i < nb; ++i) {
    GemmRowMajor<float>(false, false, m, n, k, 1.0f, a.data() + i * m * k, k, b.data() + i * k * n,
                        n, 0.0f, c.data() + i * m * n, n, threads);
  }

  // c is dense over [batch..., rows..., cols...]; read it in the output's loop order.
  Shape c_shape;
  std::vector<int> c_order;
  for (const std::vector<int>* group : {&batch, &rows, &cols}) {
    for (int j : *group) {
      c_shape.push_back(plan.sizes[j]);
      c_order.push_back(j);
    }
  }
  const std::vector<int64_t> c_strides = DenseStrides(c_shape);
  std::vector<int64_t> src(plan.num_out, 0);
  for (size_t i = 0; i < c_order.size(); ++i) src[c_order[i]] = c_strides[i];
  CopyStrided(sizeof(float), plan.out_shape, c.data(), src, y.mutable_raw(),
              DenseStrides(plan.out_shape));
  return true;
}

rt::Result<Tensor> Evaluate(std::string_view equation, std::span<const Tensor> operands,
                            int threads, bool allow_matmul) {
  if (operands.empty()) return EinsumError("needs at least one operand");
  const DType dtype = operands[0].dtype();
  for (const Tensor& x : operands) {
    if (x.dtype() != dtype) {
      return EinsumError("operands mix " + std::string(rt::DTypeName(dtype)) + " and " +
                         std::string(rt::DTypeName(x.dtype())));
    }
  }
  rt::Result<EinsumPlan> plan = MakePlan(equation, operands);
  if (!plan.ok()) return plan.status();
  auto unsupported = [&]() -> rt::Result<Tensor> {
    return EinsumError("unsupported dtype " + std::string(rt::DTypeName(dtype)));
  };
  return VisitPlainDType(
      dtype,
      [&](auto tag) -> rt::Result<Tensor> {
        using T = typename decltype(tag)::type;
        if constexpr (std::is_same_v<T, bool>) {
          return unsupported();
        } else {
          using Acc = std::conditional_t<std::is_floating_point_v<T>, double, uint64_t>;
          rt::Result<Tensor> y = Tensor::Empty(dtype, plan->out_shape);
          if (!y.ok()) return y.status();
          if (allow_matmul && TryMatMul(*plan, operands, threads, *y)) return y;
          Contract<T, Acc>(*plan, operands, threads, *y);
          return y;
        }
      },
      unsupported);
}

}  // namespace

rt::Result<Tensor> Einsum(std::string_view equation, std::span<const Tensor> operands,
                          int threads) {
  return Evaluate(equation, operands, threads, /*allow_matmul=*/true);
}

rt::Result<Tensor> EinsumByLoops(std::string_view equation, std::span<const Tensor> operands) {
  return Evaluate(equation, operands, /*threads=*/1, /*allow_matmul=*/false);
}

}  // namespace kiln::ref
