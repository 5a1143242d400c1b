// Owner-only files written with fsync of the file and, when a name appears, of its directory.
// Not their formats.
#include "storage/private_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace gridcare::storage {

using engine::Status;

namespace {

Status Errno(const std::string& what, const std::string& path) {
  return engine::Unavailable(what + " " + path + ": " + std::strerror(errno));
}

// write(2) until done.
bool WriteAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

Status SyncDirectoryOf(const std::string& path) {
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  const std::string dir = parent.empty() ? std::string(1, '.') : parent.string();
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Errno("cannot open directory", dir);
  const int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0 ? Status::Ok() : Errno("cannot fsync directory", dir);
}

Status WriteAndSync(const std::string& path, int flags, std::string_view content) {
  const int fd = ::open(path.c_str(), flags | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0) return Errno("cannot open", path);
  const bool written = WriteAll(fd, content) && ::fsync(fd) == 0;
  const int saved = errno;
  ::close(fd);
  errno = saved;
  return written ? Status::Ok() : Errno("cannot write", path);
}

}  // namespace

Status CreatePrivateFile(const std::string& path, std::string_view content) {
  GC_RETURN_IF_ERROR(WriteAndSync(path, O_CREAT | O_EXCL, content));
  return SyncDirectoryOf(path);
}

Status ReplacePrivateFile(const std::string& path, std::string_view content) {
  const std::string temp = path + ".tmp";
  ::unlink(temp.c_str());  // a leftover of a crash mid-replace
  GC_RETURN_IF_ERROR(WriteAndSync(temp, O_CREAT | O_EXCL, content));
  if (::rename(temp.c_str(), path.c_str()) != 0) return Errno("cannot rename onto", path);
  return SyncDirectoryOf(path);
}

Status AppendPrivateFile(const std::string& path, std::string_view content) {
  std::error_code ec;
  const bool is_new = !std::filesystem::exists(path, ec);
  GC_RETURN_IF_ERROR(WriteAndSync(path, O_CREAT | O_APPEND, content));
  return is_new ? SyncDirectoryOf(path) : Status::Ok();
}

}  // namespace gridcare::storage
