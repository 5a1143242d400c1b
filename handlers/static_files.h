// The built web console (web/dist) as an immutable map from URL path to file, read once at
// start-up, and its HTTP answers: content type, caching, ETag, gzip, security headers.
// Not routing (api.cpp decides which paths are the console's) and no Beast. Only Load reads
// the filesystem; a request can reach nothing but the map's keys.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "engine/status.h"
#include "handlers/http_types.h"

namespace gridcare::handlers {

struct StaticFile {
  std::string body;
  std::optional<std::string> gzip_body;  // the `<name>.gz` beside it, when there was one
  std::string content_type;
  std::string cache_control;
  std::string etag;       // strong: a hash of `body`
  std::string gzip_etag;  // strong: a hash of `gzip_body` (another representation)
  bool html = false;      // carries the Content-Security-Policy and Referrer-Policy
};

class StaticFiles {
 public:
  // A console is a few hundred KiB; these only stop a wrong directory from eating memory.
  static constexpr std::size_t kMaxFileBytes = std::size_t{16} << 20;
  static constexpr std::size_t kMaxTotalBytes = std::size_t{64} << 20;

  // Every regular file below `dir`, keyed by "/" and its path relative to `dir`. A
  // `<name>.gz` is only the gzip form of `<name>`, never a key of its own; names beginning
  // with a dot are left out. FAILED_PRECONDITION when `dir` or its index.html is missing
  // (the console is not built); INVALID_ARGUMENT for an unreadable file or one over a limit.
  static engine::Result<std::shared_ptr<const StaticFiles>> Load(const std::string& dir);

  // Whether a (decoded) path is the console's: anything but /v1/..., /healthz and /metrics.
  static bool IsConsolePath(std::string_view path);

  // The answer to a GET or HEAD of `path`: 200, or 304 when If-None-Match names the
  // representation chosen (gzip when Accept-Encoding allows it and a .gz was loaded). A HEAD
  // or 304 answer has no body and gives in `content_length` the length a 200 would send.
  // nullopt when no file has that path: the caller answers 404.
  std::optional<HttpResponse> Serve(const HttpRequest& request, std::string_view path) const;

  // "/" is "/index.html"; null for anything else that is not a key.
  const StaticFile* Find(std::string_view path) const;
  std::size_t size() const { return files_.size(); }
  std::size_t total_bytes() const { return total_bytes_; }

 private:
  std::unordered_map<std::string, StaticFile> files_;
  std::size_t total_bytes_ = 0;
};

// Whether an Accept-Encoding value allows gzip: named (or as x-gzip), or covered by "*",
// with a q-value above 0. An empty or absent header allows only the identity.
bool AcceptsGzip(std::string_view accept_encoding);

// Whether an If-None-Match value names `etag` ("*" names any), by weak comparison
// (RFC 9110 13.1.2: W/"x" matches "x").
bool EtagMatches(std::string_view if_none_match, std::string_view etag);

}  // namespace gridcare::handlers
