// kiln-edge-run: the edge runtime's runner, small enough to ship on a device. Loads an edge
// `.kiln`, runs it on `.npy` inputs, writes DIR/<output name>.npy, and with --bench times runs.
// It drives the runtime through its C API (kiln/runtime.h, libkiln_edge.so), as an application
// on the device would; only the .npy files are its own (runtime/core/npy.h).
//
//   kiln-edge-run model.kiln --input x=x.npy --output-dir out/
//   kiln-edge-run model.kiln --input x=x.npy --bench 50 --threads 2
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "kiln/runtime.h"
#include "runtime/core/dtype.h"
#include "runtime/core/npy.h"

namespace {

namespace rt = kiln::rt;

// kiln_dtype mirrors rt::DType one to one (runtime.h).
rt::DType FromC(kiln_dtype dtype) { return static_cast<rt::DType>(dtype); }

// Frees the model at scope exit.
struct ModelHandle {
  kiln_model* model = nullptr;
  ~ModelHandle() { kiln_model_free(model); }
};

constexpr const char* kUsage =
    "Usage: kiln-edge-run MODEL.kiln [--input NAME=FILE.npy]... [--output-dir DIR]\n"
    "                     [--threads N] [--bench RUNS]\n"
    "\n"
    "Runs an artifact compiled with `kiln compile --target edge` on .npy inputs.\n"
    "  --input NAME=FILE.npy  a model input (a model with one input also takes FILE.npy)\n"
    "  --output-dir DIR       write each output as DIR/<output name>.npy (DIR is created)\n"
    "  --threads N            worker threads (default 1)\n"
    "  --bench RUNS           after one warm-up run, time RUNS runs; print median, p10, p90 ms\n";

int Fail(const std::string& message) {
  std::fprintf(stderr, "kiln-edge-run: error: %s\n", message.c_str());
  return 1;
}

bool ParseInt(std::string_view text, int* out) {
  if (text.empty() || text.size() > 9) return false;
  int v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

// The .npy dtype with the runtime dtype's name ("f32", "i64", ...); false when there is none.
bool NpyDTypeOf(rt::DType dtype, rt::NpyDType* out) {
  for (int i = 0; i < rt::kNumNpyDTypes; ++i) {
    const auto t = static_cast<rt::NpyDType>(i);
    if (rt::NpyDTypeName(t) == rt::DTypeName(dtype)) {
      *out = t;
      return true;
    }
  }
  return false;
}

struct Args {
  std::string model;
  std::vector<std::pair<std::string, std::string>> inputs;  // name (may be empty), path
  std::string output_dir;
  int threads = 1;
  int bench = 0;
};

// Empty on success, else the message.
std::string ParseArgs(int argc, char** argv, Args* args) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--input" && has_value) {
      const std::string_view v = argv[++i];
      const size_t eq = v.find('=');
      if (eq == std::string_view::npos) {
        args->inputs.emplace_back("", std::string(v));
      } else {
        args->inputs.emplace_back(std::string(v.substr(0, eq)), std::string(v.substr(eq + 1)));
      }
    } else if (a == "--output-dir" && has_value) {
      args->output_dir = argv[++i];
    } else if (a == "--threads" && has_value) {
      if (!ParseInt(argv[++i], &args->threads) || args->threads < 1) {
        return "--threads takes a positive integer";
      }
    } else if (a == "--bench" && has_value) {
      if (!ParseInt(argv[++i], &args->bench) || args->bench < 1) {
        return "--bench takes a positive number of runs";
      }
    } else if (!a.empty() && a[0] != '-' && args->model.empty()) {
      args->model = std::string(a);
    } else {
      return "unexpected argument '" + std::string(a) + "' (see --help)";
    }
  }
  if (args->model.empty()) return "no model given (see --help)";
  return "";
}

double Percentile(std::vector<double> sorted, double q) {
  const size_t i = static_cast<size_t>(q * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(i, sorted.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
      std::fputs(kUsage, stdout);
      return 0;
    }
  }
  Args args;
  if (std::string error = ParseArgs(argc, argv, &args); !error.empty()) return Fail(error);

  kiln_model_options options;
  kiln_model_options_init(&options);
  options.threads = args.threads;
  ModelHandle handle;
  if (kiln_model_load(args.model.c_str(), &options, &handle.model) != KILN_STATUS_OK) {
    return Fail(kiln_last_error());
  }
  kiln_model* model = handle.model;

  // Inputs, in the model's order.
  const size_t num_inputs = kiln_model_num_inputs(model);
  std::vector<const kiln_tensor_info*> specs(num_inputs);
  for (size_t i = 0; i < num_inputs; ++i) kiln_model_input_info(model, i, &specs[i]);
  std::vector<rt::NpyArray> arrays(num_inputs);
  std::vector<bool> given(num_inputs, false);
  for (const auto& [name, path] : args.inputs) {
    size_t index = num_inputs;
    for (size_t i = 0; i < num_inputs; ++i) {
      if (name == specs[i]->name || (name.empty() && num_inputs == 1)) index = i;
    }
    if (index == num_inputs) return Fail("'" + args.model + "' has no input '" + name + "'");
    rt::Result<rt::NpyArray> array = rt::ReadNpy(path);
    if (!array.ok()) return Fail(array.status().message());
    arrays[index] = std::move(*array);
    given[index] = true;
  }
  std::vector<kiln_tensor> tensors;
  for (size_t i = 0; i < num_inputs; ++i) {
    if (!given[i]) return Fail(std::string("missing --input ") + specs[i]->name + "=FILE.npy");
    const rt::DType dtype = FromC(specs[i]->dtype);
    rt::NpyDType want;
    if (!NpyDTypeOf(dtype, &want) || arrays[i].dtype != want) {
      return Fail(std::string("input '") + specs[i]->name + "' must be " +
                  std::string(rt::DTypeName(dtype)) + ", the file holds " +
                  std::string(rt::NpyDTypeName(arrays[i].dtype)));
    }
    tensors.push_back({specs[i]->dtype, arrays[i].shape.size(), arrays[i].shape.data(),
                       arrays[i].data.data(), arrays[i].data.size()});
  }

  if (kiln_model_run(model, tensors.data(), tensors.size()) != KILN_STATUS_OK) {
    return Fail(kiln_last_error());
  }
  if (args.bench > 0) {
    std::vector<double> ms;
    for (int r = 0; r < args.bench; ++r) {
      const auto start = std::chrono::steady_clock::now();
      if (kiln_model_run(model, tensors.data(), tensors.size()) != KILN_STATUS_OK) {
        return Fail(kiln_last_error());
      }
      ms.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count());
    }
    std::sort(ms.begin(), ms.end());
    std::printf("%s: %d runs, %d threads: median %.3f ms, p10 %.3f ms, p90 %.3f ms\n",
                args.model.c_str(), args.bench, args.threads, Percentile(ms, 0.5),
                Percentile(ms, 0.1), Percentile(ms, 0.9));
  }

  if (!args.output_dir.empty()) {
    // The directory itself (not its parents), as `kiln run` does.
    if (::mkdir(args.output_dir.c_str(), 0777) != 0 && errno != EEXIST) {
      return Fail("cannot create '" + args.output_dir + "': " + std::strerror(errno));
    }
    for (size_t o = 0; o < kiln_model_num_outputs(model); ++o) {
      const kiln_tensor_info* info = nullptr;
      kiln_tensor y;
      if (kiln_model_output_info(model, o, &info) != KILN_STATUS_OK ||
          kiln_model_output(model, o, &y) != KILN_STATUS_OK) {
        return Fail(kiln_last_error());
      }
      rt::NpyArray array;
      if (!NpyDTypeOf(FromC(y.dtype), &array.dtype)) {
        return Fail(std::string("output '") + info->name + "' has dtype " +
                    kiln_dtype_name(y.dtype) + ", which .npy cannot hold");
      }
      array.shape.assign(y.dims, y.dims + y.rank);
      const auto* bytes = static_cast<const uint8_t*>(y.data);
      array.data.assign(bytes, bytes + y.size_bytes);
      const std::string path = args.output_dir + "/" + info->name + ".npy";
      if (rt::Status s = rt::WriteNpy(path, array); !s.ok()) return Fail(s.message());
    }
  }
  return 0;
}
