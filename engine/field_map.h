// FieldMap: an event's changed fields, name → text, kept sorted by name in one vector.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gridcare::engine {

// Unique names, iterated in name order (the hash chain and the stored encoding depend on
// that order), in one sorted vector: a filed case carries ~30 fields, and one allocation
// for all of them costs less than a map's node per field.
class FieldMap {
 public:
  using value_type = std::pair<std::string, std::string>;
  using const_iterator = std::vector<value_type>::const_iterator;

  FieldMap() = default;
  // In any order; for a name given twice the last value counts, as with map::operator[].
  FieldMap(std::initializer_list<value_type> fields);

  // Sets `name` to `value`, adding it in its place.
  void insert_or_assign(std::string name, std::string value);
  // Adds a field whose name sorts after every name already present (builders that go in
  // name order); any other name goes through insert_or_assign.
  void append_in_order(std::string name, std::string value);
  void reserve(size_t n) { fields_.reserve(n); }

  // nullptr when absent.
  const std::string* find(std::string_view name) const;
  // Throws std::out_of_range when absent, as map::at does.
  const std::string& at(std::string_view name) const;

  const_iterator begin() const { return fields_.begin(); }
  const_iterator end() const { return fields_.end(); }
  size_t size() const { return fields_.size(); }
  bool empty() const { return fields_.empty(); }

  bool operator==(const FieldMap&) const = default;

 private:
  std::vector<value_type> fields_;  // sorted by name, names unique
};

}  // namespace gridcare::engine
