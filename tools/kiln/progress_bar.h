// A one-line progress bar on stderr for long work (calibration, error analysis), drawn only
// when stderr is a terminal, so logs and pipes stay clean.
//
//   ProgressBar bar(std::cerr, "calibrating");
//   bar.Update(12, 256);   // "calibrating [###.......]  12/256"
//   bar.Done();
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

namespace kiln::cli {

class ProgressBar {
 public:
  // `enabled` false draws nothing; by default, whether stderr is a terminal.
  ProgressBar(std::ostream& out, std::string label, bool enabled = StderrIsTerminal());
  ~ProgressBar() { Done(); }
  void SetLabel(std::string label) { label_ = std::move(label); }
  void Update(int64_t done, int64_t total);
  // Clears the line (once).
  void Done();

  static bool StderrIsTerminal();

 private:
  std::ostream& out_;
  std::string label_;
  bool enabled_;
  bool drawn_ = false;
};

}  // namespace kiln::cli
