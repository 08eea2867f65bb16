#include "tools/kiln/progress_bar.h"

#include <unistd.h>

#include <algorithm>

namespace kiln::cli {

ProgressBar::ProgressBar(std::ostream& out, std::string label, bool enabled)
    : out_(out), label_(std::move(label)), enabled_(enabled) {}

bool ProgressBar::StderrIsTerminal() { return isatty(STDERR_FILENO) == 1; }

void ProgressBar::Update(int64_t done, int64_t total) {
  if (!enabled_ || total <= 0) return;
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(std::clamp<int64_t>(done * kWidth / total, 0, kWidth));
  out_ << "\r" << label_ << " [" << std::string(filled, '#') << std::string(kWidth - filled, '.')
       << "] " << done << "/" << total << std::flush;
  drawn_ = true;
}

void ProgressBar::Done() {
  if (!drawn_) return;
  out_ << "\r\033[K" << std::flush;
  drawn_ = false;
}

}  // namespace kiln::cli
