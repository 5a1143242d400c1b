// Anchor lines: key files, formatting with a MAC, appending with fsync, and the check of an
// anchor file against a database (see audit_anchor.h). Not the schedule of writing them.
#include "storage/audit_anchor.h"

#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "storage/migrations.h"
#include "storage/private_file.h"
#include "storage/sqlite.h"
#include "util/crypto.h"

namespace gridcare::storage {

using engine::Result;
using engine::Status;

namespace {

constexpr std::string_view kPrefix = "gridcare-anchor-v1";
constexpr size_t kKeyBytes = 32;

std::string KeyId(const std::string& bytes) {
  return util::Sha256Hex("gridcare-anchor-key" + bytes).substr(0, 16);
}

struct Anchor {
  int line = 0;
  ChainHead head;
  std::int64_t time_ms = 0;
  std::string key_id;
  std::string mac;
  std::string signed_text;  // everything before " mac="
};

std::optional<std::int64_t> ParseInt(const std::string& text) {
  if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  return std::stoll(text);
}

bool IsHex(const std::string& text, size_t size) {
  return text.size() == size && text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// The fields in the order FormatAnchor writes them, and nothing else.
std::optional<Anchor> ParseAnchor(const std::string& line) {
  std::istringstream words(line);
  std::string prefix;
  if (!(words >> prefix) || prefix != kPrefix) return std::nullopt;
  const char* const kNames[] = {"seq", "hash", "time_ms", "key", "mac"};
  std::map<std::string, std::string> values;
  for (const char* name : kNames) {
    std::string word;
    if (!(words >> word)) return std::nullopt;
    const std::string start = std::string(name) + "=";
    if (word.rfind(start, 0) != 0) return std::nullopt;
    values[name] = word.substr(start.size());
  }
  std::string extra;
  if (words >> extra) return std::nullopt;
  Anchor a;
  const auto seq = ParseInt(values["seq"]);
  const auto time_ms = ParseInt(values["time_ms"]);
  if (!seq || !time_ms) return std::nullopt;
  a.head = {*seq, values["hash"]};
  if (!(a.head.seq == 0 ? a.head.hash.empty() : IsHex(a.head.hash, 64))) return std::nullopt;
  a.time_ms = *time_ms;
  a.key_id = values["key"];
  a.mac = values["mac"];
  if (!IsHex(a.key_id, 16) || !IsHex(a.mac, 64)) return std::nullopt;
  const size_t mac_at = line.rfind(" mac=");
  a.signed_text = line.substr(0, mac_at);
  return a;
}

std::string SignedText(const ChainHead& head, std::int64_t time_ms, const std::string& key_id) {
  return std::string(kPrefix) + " seq=" + std::to_string(head.seq) + " hash=" + head.hash +
         " time_ms=" + std::to_string(time_ms) + " key=" + key_id;
}

}  // namespace

Result<AnchorKey> LoadAnchorKey(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return engine::InvalidArgument("cannot open anchor key file " + path);
  std::string text;
  std::getline(in, text);
  while (!text.empty() && (text.back() == '\r' || text.back() == ' ')) text.pop_back();
  const std::optional<std::string> bytes = util::FromHex(text);
  if (!bytes || bytes->size() != kKeyBytes) {
    return engine::InvalidArgument("anchor key file " + path +
                                   " does not hold a key (64 hex characters, from "
                                   "`gridcare audit keygen`)");
  }
  return AnchorKey{*bytes, KeyId(*bytes)};
}

Result<AnchorKey> CreateAnchorKey(const std::string& path) {
  const std::string bytes = util::RandomBytes(kKeyBytes);
  if (bytes.size() != kKeyBytes) return engine::Internal("no randomness for a key");
  GC_RETURN_IF_ERROR(CreatePrivateFile(path, util::ToHex(bytes) + "\n"));
  return AnchorKey{bytes, KeyId(bytes)};
}

std::string FormatAnchor(const ChainHead& head, std::int64_t time_ms, const AnchorKey& key) {
  const std::string text = SignedText(head, time_ms, key.id);
  return text + " mac=" + util::HmacSha256Hex(key.bytes, text);
}

Status AppendAnchor(const std::string& path, const std::string& line) {
  return AppendPrivateFile(path, line + "\n");
}

Result<std::vector<AuditFinding>> VerifyAnchors(const std::string& db_path,
                                                const std::string& anchors_path,
                                                const AnchorKey* key) {
  // The anchors first, the database after: an anchor is written only once its entries are
  // durable, so any anchor in the file is covered by a later snapshot of an intact store.
  std::ifstream in(anchors_path, std::ios::binary);
  if (!in) return engine::InvalidArgument("cannot open anchor file " + anchors_path);
  std::vector<AuditFinding> findings;
  auto add = [&findings](const std::string& problem) { findings.push_back({0, "", 0, problem}); };
  std::vector<Anchor> anchors;
  int number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    const std::string where = anchors_path + " line " + std::to_string(number) + ": ";
    std::optional<Anchor> a = ParseAnchor(line);
    if (!a) {
      add(where + "not an anchor line (damaged or edited?)");
      continue;
    }
    a->line = number;
    if (key != nullptr) {
      if (a->key_id != key->id) {
        add(where + "made with key " + a->key_id + ", not with the key given (" + key->id +
            "): anchors of another key are not checked");
        continue;
      }
      const std::string expected = util::HmacSha256Hex(key->bytes, a->signed_text);
      if (expected != a->mac) {  // offline, on the verifier's machine: no timing to guard
        add(where + "its MAC is wrong (forged or edited anchor)");
        continue;
      }
    }
    anchors.push_back(std::move(*a));
  }
  if (number == 0) add(anchors_path + ": no anchors in the file (emptied?)");

  GC_ASSIGN_OR_RETURN(Db db, Db::Open(db_path, SQLITE_OPEN_READONLY));
  GC_RETURN_IF_ERROR(db.Exec("PRAGMA busy_timeout = 5000"));
  GC_RETURN_IF_ERROR(CheckSchemaVersion(db));
  GC_ASSIGN_OR_RETURN(const std::int64_t version, db.QueryInt("PRAGMA user_version"));
  if (version < 5) {
    add(db_path + " has no global audit chain yet (schema version " + std::to_string(version) +
        "): open it with this gridcare's serve first");
    return findings;
  }
  GC_RETURN_IF_ERROR(db.Exec("BEGIN"));
  auto end = db.QueryInt("SELECT coalesce(max(seq), 0) FROM audit_chain");
  if (!end.ok()) {
    (void)db.Exec("COMMIT");
    return end.status();
  }
  for (const Anchor& a : anchors) {
    const std::string where = anchors_path + " line " + std::to_string(a.line) + " (time_ms " +
                              std::to_string(a.time_ms) + "): ";
    if (a.head.seq == 0) continue;
    if (a.head.seq > *end) {
      add(where + "the anchor records audit chain entry " + std::to_string(a.head.seq) +
          " but the database's chain ends at entry " + std::to_string(*end) +
          ": entries were deleted from its end");
      continue;
    }
    auto stmt = db.Prepare("SELECT chain_hash FROM audit_chain WHERE seq = ?1");
    if (!stmt.ok()) return stmt.status();
    stmt->BindInt(1, a.head.seq);
    auto row = stmt->Step();
    if (!row.ok()) return row.status();
    const std::string stored = *row ? stmt->Text(0) : std::string();
    if (!*row) {
      add(where + "audit chain entry " + std::to_string(a.head.seq) +
          " is missing from the database (deleted?)");
    } else if (stored != a.head.hash) {
      add(where + "audit chain entry " + std::to_string(a.head.seq) + " has hash " + stored +
          " in the database but " + a.head.hash +
          " when anchored: the chain was rewritten up to there");
    }
  }
  (void)db.Exec("COMMIT");
  return findings;
}

}  // namespace gridcare::storage
