#include "app/password_input.h"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "store/account.h"

namespace app {
namespace {

constexpr std::size_t kMaxPasswordBytes = store::kMaxPasswordBytes;  // 1024

// Reads one line from fd into guarded memory (never a std::string, which could leave copies in the heap).
base::Result<crypto::SecretBytes> read_line(int fd) {
  crypto::SecretBytes buf(kMaxPasswordBytes + 2);
  std::size_t n = 0;
  while (n < buf.size()) {
    char c = 0;
    ssize_t got = ::read(fd, &c, 1);
    if (got < 0) return base::fail(base::Errc::invalid_argument, "cannot read the password");
    if (got == 0 || c == '\n') break;
    buf.data()[n++] = static_cast<std::uint8_t>(c);
  }
  if (n > kMaxPasswordBytes) return base::fail(base::Errc::invalid_argument, "password longer than 1024 bytes");
  if (n > 0 && buf.data()[n - 1] == '\r') --n;
  auto out = crypto::SecretBytes::copy_of(buf.span().first(n));
  if (out.empty()) return base::fail(base::Errc::invalid_argument, "empty password");
  return out;
}

}  // namespace

// One policy for the CLI and IMAP XPASSWORD: store::check_new_password.
base::Status check_new_password(const crypto::SecretBytes& password) {
  return store::check_new_password(view(password));
}

base::Result<crypto::SecretBytes> read_password(const std::string& file, const char* prompt) {
  if (!file.empty()) {
    if (file == "-") return read_line(STDIN_FILENO);
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      return base::fail(base::Errc::invalid_argument, "cannot read password file " + file + ": " + std::strerror(errno));
    }
    auto line = read_line(fd);
    ::close(fd);
    return line;
  }
  int tty = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (tty < 0) {
    return base::fail(base::Errc::invalid_argument, "no terminal to ask for a password: use --password-file");
  }
  termios old {};
  bool have_termios = ::tcgetattr(tty, &old) == 0;
  if (have_termios) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(tty, TCSAFLUSH, &quiet);
  }
  (void)!::write(tty, prompt, std::strlen(prompt));
  auto line = read_line(tty);
  (void)!::write(tty, "\n", 1);
  if (have_termios) ::tcsetattr(tty, TCSAFLUSH, &old);
  ::close(tty);
  return line;
}

base::Result<crypto::SecretBytes> read_new_password(const std::string& file) {
  SB_TRY(crypto::SecretBytes password, read_password(file, "New password: "));
  SB_CHECK(check_new_password(password));
  if (file.empty()) {
    SB_TRY(crypto::SecretBytes again, read_password(file, "Repeat the new password: "));
    if (view(again) != view(password)) return base::fail(base::Errc::invalid_argument, "the passwords differ");
  }
  return password;
}

}  // namespace app
