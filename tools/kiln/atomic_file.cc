#include "tools/kiln/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace kiln::cli {
namespace {

Status WriteError(const std::string& path, int err) {
  return Status::Error("cannot write '" + path + "': " + std::strerror(err));
}

}  // namespace

Status WriteFileAtomically(const std::string& path, std::string_view content) {
  std::filesystem::path dest(path);
  std::filesystem::path dir = dest.has_parent_path() ? dest.parent_path() : ".";
  std::string tmpl = (dir / ("." + dest.filename().string() + ".tmp.XXXXXX")).string();
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  int fd = mkstemp(name.data());
  if (fd < 0) return WriteError(path, errno);
  std::string tmp(name.data());

  auto fail = [&](int err) {
    close(fd);
    unlink(tmp.c_str());
    return WriteError(path, err);
  };
  const char* p = content.data();
  size_t left = content.size();
  while (left > 0) {
    ssize_t n = write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(errno);
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  if (fsync(fd) != 0) return fail(errno);
  // mkstemp creates 0600; give the file the permissions a normal create would.
  mode_t mask = umask(0);
  umask(mask);
  fchmod(fd, 0666 & ~mask);
  if (close(fd) != 0) {
    int err = errno;
    unlink(tmp.c_str());
    return WriteError(path, err);
  }
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    unlink(tmp.c_str());
    return WriteError(path, err);
  }
  return Status::Ok();
}

Expected<std::string> ReadFile(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return Status::Error("cannot read '" + path + "': is a directory");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Error("cannot read '" + path + "': " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Status::Error("cannot read '" + path + "': read error");
  return ss.str();
}

}  // namespace kiln::cli
