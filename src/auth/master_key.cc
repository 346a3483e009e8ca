#include "auth/master_key.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/encoding.h"

namespace chime::auth {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  std::string s(text);
  for (char& c : s) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  while (s.size() % 4 != 0) s.push_back('=');
  std::string out(s.size() / 4 * 3, '\0');
  int n =
      EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      reinterpret_cast<const unsigned char*>(s.data()), static_cast<int>(s.size()));
  if (n < 0) return std::nullopt;
  // EVP_DecodeBlock counts padding as zero bytes; drop them.
  size_t pad = 0;
  for (size_t i = s.size(); i > 0 && s[i - 1] == '='; --i) ++pad;
  if (pad > 2) return std::nullopt;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

Status IoError(const std::string& what, const std::string& path) {
  return Unavailable("cannot " + what + " " + path + ": " + std::strerror(errno));
}

StatusOr<std::string> ReadKeyFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return IoError("open master key file", path);
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Unavailable("master key file " + path + " is not a regular file");
  }
  if (st.st_mode & 077) {
    ::close(fd);
    return Unavailable("master key file " + path +
                       " is accessible to group or others; run chmod 600 on it");
  }
  std::string text(256, '\0');
  ssize_t n = ::read(fd, text.data(), text.size());
  ::close(fd);
  if (n < 0) return IoError("read master key file", path);
  text.resize(static_cast<size_t>(n));
  auto key = DecodeMasterKey(text);
  OPENSSL_cleanse(text.data(), text.size());
  if (!key.ok()) return InvalidArgument("master key file " + path + ": " + key.status().message());
  return key;
}

}  // namespace

StatusOr<std::string> DecodeMasterKey(std::string_view text) {
  text = Trim(text);
  const Status bad =
      InvalidArgument("the master key must be 64 hex digits or the base64 of 32 bytes");
  if (text.size() == 64) {
    if (auto hex = HexDecode(text); hex && hex->size() == 32) return *hex;
  }
  if (text.size() >= 43 && text.size() <= 44) {
    if (auto raw = Base64Decode(text); raw && raw->size() == 32) return *raw;
  }
  return bad;
}

Status WriteOwnerOnlyFile(const std::string& path, std::string_view contents) {
  std::string tmp = path + ".tmp-XXXXXX";
  int fd = ::mkstemp(tmp.data());  // mkstemp creates 0600 regardless of the umask
  if (fd < 0) return IoError("create", tmp);
  bool ok = ::fchmod(fd, 0600) == 0;
  size_t off = 0;
  while (ok && off < contents.size()) {
    ssize_t n = ::write(fd, contents.data() + off, contents.size() - off);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) off += static_cast<size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  int saved = errno;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    if (ok) saved = errno;
    ::unlink(tmp.c_str());
    errno = saved;
    return IoError("write", path);
  }
  return OkStatus();
}

StatusOr<LoadedMasterKey> LoadOrCreateMasterKey(const MasterKeySource& source,
                                                RandomSource& random) {
  if (source.env_value) {
    auto key = DecodeMasterKey(*source.env_value);
    if (!key.ok()) return InvalidArgument("CHIMED_MASTER_KEY: " + key.status().message());
    return LoadedMasterKey{std::move(*key), "CHIMED_MASTER_KEY", false};
  }
  const std::string& path = source.file_path;
  bool created = false;
  if (::access(path.c_str(), F_OK) != 0) {
    std::string raw(32, '\0');
    random.Fill(reinterpret_cast<uint8_t*>(raw.data()), raw.size());
    std::string text = HexEncode(raw) + "\n";
    OPENSSL_cleanse(raw.data(), raw.size());
    // Written in full under a temporary name, then hard-linked into place: link() fails when the
    // name exists, so when a server and an admin command start on a fresh data dir at once,
    // exactly one key wins and nobody ever reads a half-written file.
    std::string tmp = path + ".new-" + std::to_string(::getpid());
    Status written = WriteOwnerOnlyFile(tmp, text);
    OPENSSL_cleanse(text.data(), text.size());
    RETURN_IF_ERROR(written);
    if (::link(tmp.c_str(), path.c_str()) == 0) {
      created = true;
    } else if (errno != EEXIST) {
      Status s = IoError("create master key file", path);
      ::unlink(tmp.c_str());
      return s;
    }
    ::unlink(tmp.c_str());
  }
  ASSIGN_OR_RETURN(std::string key, ReadKeyFile(path));
  return LoadedMasterKey{std::move(key), path, created};
}

}  // namespace chime::auth
