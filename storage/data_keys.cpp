// Key ring text form, generation, rotation's new key, and the ID-number lookup hash.
// Not sealing (personal_seal.cpp).
#include "storage/data_keys.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <limits>
#include <sstream>
#include <vector>

#include "storage/private_file.h"
#include "util/crypto.h"

namespace gridcare::storage {

using engine::Result;
using engine::Status;

namespace {

std::vector<std::string> Words(std::string_view line) {
  std::vector<std::string> words;
  std::istringstream in{std::string(line)};
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

std::optional<std::string> KeyBytes(const std::string& hex) {
  std::optional<std::string> bytes = util::FromHex(hex);
  if (!bytes || bytes->size() != DataKeys::kKeyBytes) return std::nullopt;
  return bytes;
}

std::optional<int> KeyId(const std::string& text) {
  int id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id < 1) return std::nullopt;
  return id;
}

}  // namespace

Result<DataKeys> DataKeys::Parse(std::string_view text) {
  DataKeys keys;
  int number = 0;
  while (!text.empty()) {
    const size_t end = text.find_first_of("\n;");
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++number;
    if (const size_t hash = line.find('#'); hash != std::string_view::npos) {
      line = line.substr(0, hash);
    }
    const std::vector<std::string> w = Words(line);
    if (w.empty()) continue;
    const std::string where = "data keys line " + std::to_string(number) + ": ";
    if (w[0] == "lookup" && w.size() == 2) {
      std::optional<std::string> bytes = KeyBytes(w[1]);
      if (!bytes) return engine::InvalidArgument(where + "the lookup key is not 64 hex digits");
      if (!keys.lookup_.empty()) return engine::InvalidArgument(where + "a second lookup key");
      keys.lookup_ = std::move(*bytes);
    } else if (w[0] == "data" && w.size() == 3) {
      std::optional<int> id = KeyId(w[1]);
      if (!id) return engine::InvalidArgument(where + "a data key id must be a positive number");
      std::optional<std::string> bytes = KeyBytes(w[2]);
      if (!bytes) return engine::InvalidArgument(where + "data key " + w[1] + " is not 64 hex digits");
      if (!keys.data_.emplace(*id, std::move(*bytes)).second) {
        return engine::InvalidArgument(where + "data key " + w[1] + " appears twice");
      }
    } else {
      return engine::InvalidArgument(where + "expected `lookup <hex>` or `data <id> <hex>`");
    }
  }
  if (keys.lookup_.empty()) return engine::InvalidArgument("data keys: no `lookup` key");
  if (keys.data_.empty()) return engine::InvalidArgument("data keys: no `data` key");
  return keys;
}

Result<DataKeys> DataKeys::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return engine::NotFound("cannot open data key file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  Result<DataKeys> keys = Parse(text.str());
  if (!keys.ok()) return engine::InvalidArgument(path + ": " + keys.status().message());
  return keys;
}

Result<DataKeys> DataKeys::Generate() {
  DataKeys keys;
  keys.lookup_ = util::RandomBytes(kKeyBytes);
  std::string data = util::RandomBytes(kKeyBytes);
  if (keys.lookup_.size() != kKeyBytes || data.size() != kKeyBytes) {
    return engine::Internal("no randomness for a data key");
  }
  keys.data_.emplace(1, std::move(data));
  return keys;
}

Result<DataKeys> DataKeys::WithNewDataKey() const {
  DataKeys next = *this;
  std::string data = util::RandomBytes(kKeyBytes);
  if (data.size() != kKeyBytes) return engine::Internal("no randomness for a data key");
  if (current_id() == std::numeric_limits<int>::max()) {
    return engine::FailedPrecondition("data key ids are used up");
  }
  next.data_.emplace(current_id() + 1, std::move(data));
  return next;
}

DataKeys DataKeys::WithoutDataKeysBelow(int keep_from) const {
  DataKeys next = *this;
  // The current key always stays: a ring must seal.
  std::erase_if(next.data_, [&](const auto& entry) {
    return entry.first < std::min(keep_from, current_id());
  });
  return next;
}

std::string DataKeys::Serialize() const {
  std::string out =
      "# GridCare data keys: they open the personal data in the database. Keep this file\n"
      "# away from the database and its backups, readable by the server's user only, and\n"
      "# keep a copy in a safe place: without it the personal data cannot be read again.\n";
  out += "lookup " + util::ToHex(lookup_) + "\n";
  for (const auto& [id, bytes] : data_) {
    out += "data " + std::to_string(id) + " " + util::ToHex(bytes) + "\n";
  }
  return out;
}

Status DataKeys::Save(const std::string& path) const { return ReplacePrivateFile(path, Serialize()); }

const std::string* DataKeys::Find(int id) const {
  auto it = data_.find(id);
  return it == data_.end() ? nullptr : &it->second;
}

std::string DataKeys::LookupHash(std::string_view id_number) const {
  std::string normal(id_number);
  normal.erase(0, normal.find_first_not_of(" \t"));
  normal.erase(normal.find_last_not_of(" \t") + 1);
  std::replace(normal.begin(), normal.end(), 'x', 'X');
  return util::KeyedHashHex(lookup_, normal, 16);
}

}  // namespace gridcare::storage
