// StaticFiles: loading the console directory into memory, and answering from that copy.
#include "handlers/static_files.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include "util/crypto.h"

namespace gridcare::handlers {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kGzipSuffix = ".gz";
constexpr std::string_view kIndex = "/index.html";
// Vite writes content-hashed names under assets/: a changed file is a new name, so these
// may be cached for good. Everything else (index.html, sw.js, the manifest, icons) keeps
// its name across releases and is revalidated on every use.
constexpr std::string_view kHashedPrefix = "/assets/";
constexpr char kImmutable[] = "public, max-age=31536000, immutable";
constexpr char kRevalidate[] = "no-cache";
// The console talks to this server only, and is never framed.
constexpr char kContentSecurityPolicy[] =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "worker-src 'self'; manifest-src 'self'; base-uri 'self'; frame-ancestors 'none'";

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return Lower(x) == Lower(y); });
}

std::string_view Trim(std::string_view s) {
  const auto begin = s.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  return s.substr(begin, s.find_last_not_of(" \t") - begin + 1);
}

// Calls `each` with every comma-separated item of a header value, trimmed; stops when it
// returns true and says so.
template <typename Fn>
bool AnyItem(std::string_view value, Fn each) {
  while (!value.empty()) {
    const auto comma = value.find(',');
    if (each(Trim(value.substr(0, comma)))) return true;
    value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
  }
  return false;
}

std::string ContentTypeFor(std::string_view path) {
  const auto slash = path.rfind('/');
  const auto dot = path.rfind('.');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) {
    return "application/octet-stream";
  }
  std::string ext(path.substr(dot + 1));
  std::transform(ext.begin(), ext.end(), ext.begin(), Lower);
  static const std::map<std::string, std::string, std::less<>> kTypes = {
      {"html", "text/html; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"json", "application/json"},
      {"map", "application/json"},
      {"webmanifest", "application/manifest+json"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"ico", "image/x-icon"},
      {"woff2", "font/woff2"},
      {"txt", "text/plain; charset=utf-8"},
  };
  const auto it = kTypes.find(ext);
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

std::string StrongEtag(std::string_view bytes) {
  return "\"" + util::Sha256Hex(bytes).substr(0, 32) + "\"";
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// The files below `root`, key → contents, the .gz files among them.
engine::Result<std::map<std::string, std::string>> ReadTree(const fs::path& root,
                                                            std::size_t* total) {
  std::map<std::string, std::string> out;
  std::error_code ec;
  fs::recursive_directory_iterator it(root, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const fs::path& path = it->path();
    if (const std::string base = path.filename().string(); !base.empty() && base[0] == '.') {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file(ec)) continue;
    const std::string name = path.string();
    const std::uintmax_t size = it->file_size(ec);
    if (ec) break;
    if (size > StaticFiles::kMaxFileBytes) {
      return engine::InvalidArgument(name + " is larger than " +
                                     std::to_string(StaticFiles::kMaxFileBytes) + " bytes");
    }
    std::ifstream in(path, std::ios::binary);
    std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) return engine::InvalidArgument("cannot read " + name);
    // The size again: the file may have grown since it was listed.
    if (body.size() > StaticFiles::kMaxFileBytes) {
      return engine::InvalidArgument(name + " is larger than " +
                                     std::to_string(StaticFiles::kMaxFileBytes) + " bytes");
    }
    *total += body.size();
    if (*total > StaticFiles::kMaxTotalBytes) {
      return engine::InvalidArgument(root.string() + " holds more than " +
                                     std::to_string(StaticFiles::kMaxTotalBytes) + " bytes");
    }
    out.emplace("/" + path.lexically_relative(root).generic_string(), std::move(body));
  }
  if (ec) return engine::InvalidArgument("cannot list " + root.string() + ": " + ec.message());
  return out;
}

}  // namespace

engine::Result<std::shared_ptr<const StaticFiles>> StaticFiles::Load(const std::string& dir) {
  std::error_code ec;
  const fs::path root(dir);
  if (!fs::is_directory(root, ec)) {
    return engine::FailedPrecondition("console directory " + dir + " does not exist");
  }
  if (!fs::is_regular_file(root / "index.html", ec)) {
    return engine::FailedPrecondition("console directory " + dir + " has no index.html");
  }
  auto files = std::make_shared<StaticFiles>();
  GC_ASSIGN_OR_RETURN(auto raw, ReadTree(root, &files->total_bytes_));
  for (auto& [key, body] : raw) {
    if (EndsWith(key, kGzipSuffix)) continue;  // taken with its plain sibling below, or not at all
    StaticFile f;
    f.content_type = ContentTypeFor(key);
    f.html = f.content_type.rfind("text/html", 0) == 0;
    f.cache_control = key.rfind(kHashedPrefix, 0) == 0 ? kImmutable : kRevalidate;
    f.etag = StrongEtag(body);
    if (const auto gz = raw.find(key + std::string(kGzipSuffix)); gz != raw.end()) {
      f.gzip_etag = StrongEtag(gz->second);
      f.gzip_body = gz->second;
    }
    f.body = std::move(body);
    files->files_.emplace(key, std::move(f));
  }
  return std::shared_ptr<const StaticFiles>(std::move(files));
}

bool StaticFiles::IsConsolePath(std::string_view path) {
  return path.rfind("/v1/", 0) != 0 && path != "/healthz" && path != "/metrics";
}

const StaticFile* StaticFiles::Find(std::string_view path) const {
  const auto it = files_.find(std::string(path == "/" ? kIndex : path));
  return it == files_.end() ? nullptr : &it->second;
}

std::optional<HttpResponse> StaticFiles::Serve(const HttpRequest& request,
                                               std::string_view path) const {
  const StaticFile* f = Find(path);
  if (f == nullptr) return std::nullopt;
  const bool gzip = f->gzip_body && AcceptsGzip(request.Header("accept-encoding"));
  const std::string& body = gzip ? *f->gzip_body : f->body;
  const std::string& etag = gzip ? f->gzip_etag : f->etag;
  HttpResponse r;
  r.headers = {
      {"Cache-Control", f->cache_control}, {"ETag", etag}, {"X-Content-Type-Options", "nosniff"}};
  if (f->gzip_body) r.headers.emplace_back("Vary", "Accept-Encoding");
  if (f->html) {
    r.headers.emplace_back("Content-Security-Policy", kContentSecurityPolicy);
    r.headers.emplace_back("Referrer-Policy", "no-referrer");
  }
  if (EtagMatches(request.Header("if-none-match"), etag)) {
    r.status = 304;
    r.content_type.clear();
    r.content_length = body.size();
    return r;
  }
  r.content_type = f->content_type;
  if (gzip) r.headers.emplace_back("Content-Encoding", "gzip");
  if (request.method == "HEAD") {
    r.content_length = body.size();
  } else {
    r.body = body;
  }
  return r;
}

bool AcceptsGzip(std::string_view accept_encoding) {
  std::optional<bool> gzip;
  std::optional<bool> any;
  AnyItem(accept_encoding, [&](std::string_view item) {
    const auto semi = item.find(';');
    const std::string_view coding = Trim(item.substr(0, semi));
    // A q-value is 0 to 1 with at most three decimals: it is 0 when no digit is non-zero.
    bool accepted = true;
    std::string_view params = semi == std::string_view::npos ? "" : item.substr(semi + 1);
    while (!params.empty()) {
      const auto next = params.find(';');
      const std::string_view param = Trim(params.substr(0, next));
      if (param.size() >= 2 && Lower(param[0]) == 'q' && param[1] == '=') {
        const std::string_view q = param.substr(2);
        accepted = q.find_first_of("123456789") != std::string_view::npos;
      }
      params = next == std::string_view::npos ? std::string_view() : params.substr(next + 1);
    }
    if (EqualsIgnoreCase(coding, "gzip") || EqualsIgnoreCase(coding, "x-gzip")) {
      gzip = accepted;
    } else if (coding == "*") {
      any = accepted;
    }
    return false;
  });
  return gzip.value_or(any.value_or(false));
}

bool EtagMatches(std::string_view if_none_match, std::string_view etag) {
  return AnyItem(if_none_match, [&](std::string_view tag) {
    if (tag == "*") return true;
    if (tag.rfind("W/", 0) == 0) tag.remove_prefix(2);
    return tag == etag;
  });
}

}  // namespace gridcare::handlers
