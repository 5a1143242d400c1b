// TLS for tests: a self-signed certificate made on the spot (OpenSSL's API, no CLI), and a
// blocking TLS client connection that can be held to old protocol versions. Not in the
// product: the server's TLS is handlers/http_server.cpp, the webhooks' is libcurl.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>

namespace gridcare::testing {

struct CertFiles {
  std::string cert_file;  // PEM certificate; also the CA file that trusts it
  std::string key_file;   // PEM private key
};

// A P-256 key and a self-signed certificate for localhost and 127.0.0.1, valid for a day,
// written to `dir`/`stem`.crt and .key. Empty paths if OpenSSL failed.
inline CertFiles MakeSelfSignedCert(const std::string& dir, const std::string& stem = "server") {
  CertFiles out{dir + "/" + stem + ".crt", dir + "/" + stem + ".key"};
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* x = X509_new();
  bool ok = key != nullptr && x != nullptr;
  if (ok) {
    unsigned char serial[8];
    RAND_bytes(serial, sizeof serial);
    serial[0] &= 0x7f;
    BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x));
    BN_free(bn);
    X509_set_version(x, 2);
    X509_gmtime_adj(X509_getm_notBefore(x), -60);
    X509_gmtime_adj(X509_getm_notAfter(x), 24 * 3600);
    X509_set_pubkey(x, key);
    X509_NAME* name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
    X509_set_issuer_name(x, name);
    X509V3_CTX v3;
    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, x, x, nullptr, nullptr, 0);
    const std::pair<int, const char*> extensions[] = {
        {NID_basic_constraints, "critical,CA:TRUE"},
        {NID_subject_key_identifier, "hash"},
        {NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1"},
    };
    for (const auto& [nid, value] : extensions) {
      X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &v3, nid, value);
      ok = ok && ext != nullptr && X509_add_ext(x, ext, -1) == 1;
      X509_EXTENSION_free(ext);
    }
    ok = ok && X509_sign(x, key, EVP_sha256()) > 0;
  }
  if (ok) {
    FILE* c = std::fopen(out.cert_file.c_str(), "w");
    FILE* k = std::fopen(out.key_file.c_str(), "w");
    ok = c != nullptr && k != nullptr && PEM_write_X509(c, x) == 1 &&
         PEM_write_PrivateKey(k, key, nullptr, nullptr, 0, nullptr, nullptr) == 1;
    if (c != nullptr) std::fclose(c);
    if (k != nullptr) std::fclose(k);
  }
  X509_free(x);
  EVP_PKEY_free(key);
  if (!ok) out = {};
  return out;
}

// A blocking TLS client connection to 127.0.0.1:`port`, verifying the server against
// `ca_file`. `min_version`/`max_version` (TLS1_VERSION ...; 0 = OpenSSL's own) let a test
// offer protocols a modern client no longer does.
class TlsConn {
 public:
  TlsConn(int port, const std::string& ca_file, int min_version = 0, int max_version = 0) {
    ctx_ = SSL_CTX_new(TLS_client_method());
    if (min_version != 0 || max_version != 0) {
      // Old protocols sign with SHA-1/MD5: only security level 0 lets this client offer them.
      SSL_CTX_set_security_level(ctx_, 0);
      SSL_CTX_set_cipher_list(ctx_, "ALL:@SECLEVEL=0");
    }
    if (min_version != 0) SSL_CTX_set_min_proto_version(ctx_, min_version);
    if (max_version != 0) SSL_CTX_set_max_proto_version(ctx_, max_version);
    SSL_CTX_load_verify_locations(ctx_, ca_file.c_str(), nullptr);
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);

    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      error_ = "connect failed";
      return;
    }
    SetReadTimeout(std::chrono::seconds(10));  // no step of a test waits forever
    ssl_ = SSL_new(ctx_);
    SSL_set_fd(ssl_, fd_);
    if (SSL_connect(ssl_) == 1) {
      connected_ = true;
    } else {
      char text[256];
      ERR_error_string_n(ERR_get_error(), text, sizeof text);
      error_ = text;
      ERR_clear_error();
    }
  }
  ~TlsConn() {
    if (ssl_ != nullptr) SSL_free(ssl_);
    if (fd_ >= 0) ::close(fd_);
    SSL_CTX_free(ctx_);
  }
  TlsConn(const TlsConn&) = delete;
  TlsConn& operator=(const TlsConn&) = delete;

  bool connected() const { return connected_; }
  const std::string& error() const { return error_; }  // why the handshake failed
  std::string protocol() const { return ssl_ != nullptr ? SSL_get_version(ssl_) : ""; }

  bool Send(const std::string& bytes) {
    return connected_ && SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size())) ==
                             static_cast<int>(bytes.size());
  }

  // Reads until `needle` has arrived in `out`; false at the deadline or on close.
  bool ReadUntil(const std::string& needle, std::chrono::milliseconds timeout, std::string* out) {
    const auto deadline = Clock::now() + timeout;
    while (out->find(needle) == std::string::npos) {
      if (ReadSome(deadline, out) != Read::kData) return false;
    }
    return true;
  }

  // Reads until `out` holds at least `size` bytes; false at the deadline or on close.
  bool ReadUntilSize(size_t size, std::chrono::milliseconds timeout, std::string* out) {
    const auto deadline = Clock::now() + timeout;
    while (out->size() < size) {
      if (ReadSome(deadline, out) != Read::kData) return false;
    }
    return true;
  }

  // Reads until the server closes (true) or the deadline passes (false).
  bool ReadToEof(std::chrono::milliseconds timeout, std::string* out) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
      switch (ReadSome(deadline, out)) {
        case Read::kData: break;
        case Read::kClosed: return true;
        case Read::kDeadline: return false;
      }
    }
  }

 private:
  using Clock = std::chrono::steady_clock;
  enum class Read { kData, kClosed, kDeadline };

  void SetReadTimeout(std::chrono::milliseconds t) {
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(t.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((t.count() % 1000) * 1000);
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }

  Read ReadSome(Clock::time_point deadline, std::string* out) {
    if (!connected_) return Read::kClosed;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) return Read::kDeadline;
      if (SSL_pending(ssl_) == 0) {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      }
      SetReadTimeout(std::max(left, std::chrono::milliseconds(1)));
      char buf[8192];
      const int n = SSL_read(ssl_, buf, sizeof buf);
      if (n > 0) {
        out->append(buf, static_cast<size_t>(n));
        return Read::kData;
      }
      const int why = SSL_get_error(ssl_, n);
      ERR_clear_error();
      if (why == SSL_ERROR_WANT_READ) continue;  // e.g. a TLS 1.3 session ticket, no data
      if (why == SSL_ERROR_SYSCALL && (errno == EAGAIN || errno == EWOULDBLOCK)) continue;
      return Read::kClosed;  // close_notify, a bare close or a reset: the server let go
    }
  }

  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  int fd_ = -1;
  bool connected_ = false;
  std::string error_;
};

}  // namespace gridcare::testing
