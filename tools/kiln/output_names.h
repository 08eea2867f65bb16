// File names for model outputs: `kiln run` writes DIR/<name>.npy. Output names are tensor names
// and may hold '/', ':' or spaces, so every character outside [A-Za-z0-9._-] becomes '_' and a
// clash gets a suffix _2, _3, ...; a name of only dots (or none) becomes underscores (the same rule
// as tests/oracle/run_model.js, so outputs of Kiln and ONNX Runtime line up by file name).
//
//   OutputFileNames({"logits", "/model/Conv:0"})   // {"logits.npy", "_model_Conv_0.npy"}
#pragma once

#include <string>
#include <vector>

namespace kiln::cli {

std::vector<std::string> OutputFileNames(const std::vector<std::string>& output_names);

}  // namespace kiln::cli
