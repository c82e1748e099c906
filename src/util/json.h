// The JSON value of every layer: nlohmann::basic_json whose objects keep their members
// in insertion order (templates are written in the order the modules add to them).
//
// Not nlohmann's ordered_json: its map stores std::pair<const std::string, Json>, whose
// move may throw (the key is copied), so every growth of an object's vector copies each
// member deeply, and an initializer list {{"a", ...}, {"b", ...}} copies the key of each
// member once more. The members here are std::pair<std::string, Json>: growth moves them.
// Lookup stays a linear scan, as in ordered_json: objects are small, and order matters
// more than lookup (docs/build.md, "Speed").
#pragma once
#include <functional>
#include <initializer_list>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace bp {

template <class Key, class T, class IgnoredLess = std::less<Key>, class IgnoredAllocator = void>
struct OrderedMap : std::vector<std::pair<Key, T>> {
  using key_type = Key;
  using mapped_type = T;
  using Container = std::vector<std::pair<Key, T>>;
  using iterator = typename Container::iterator;
  using const_iterator = typename Container::const_iterator;
  using size_type = typename Container::size_type;
  using value_type = typename Container::value_type;
  using key_compare = std::equal_to<>;

  // A key type other than Key that compares with it (a string_view, a const char*).
  template <class K>
  using IfKeyLike = nlohmann::detail::enable_if_t<
      nlohmann::detail::is_usable_as_key_type<key_compare, key_type, K>::value, int>;

  OrderedMap() noexcept = default;
  template <class It>
  OrderedMap(It first, It last) : Container(first, last) {}
  OrderedMap(std::initializer_list<value_type> init) : Container(init) {}

  std::pair<iterator, bool> emplace(const key_type& key, T&& value) { return EmplaceKey(key, std::move(value)); }
  std::pair<iterator, bool> emplace(key_type&& key, T&& value) { return EmplaceKey(std::move(key), std::move(value)); }
  template <class K, IfKeyLike<K> = 0>
  std::pair<iterator, bool> emplace(K&& key, T&& value) {
    return EmplaceKey(std::forward<K>(key), std::move(value));
  }

  T& operator[](const key_type& key) { return emplace(key, T{}).first->second; }
  T& operator[](key_type&& key) { return emplace(std::move(key), T{}).first->second; }
  template <class K, IfKeyLike<K> = 0>
  T& operator[](K&& key) {
    return emplace(std::forward<K>(key), T{}).first->second;
  }
  const T& operator[](const key_type& key) const { return at(key); }
  template <class K, IfKeyLike<K> = 0>
  const T& operator[](K&& key) const {
    return at(std::forward<K>(key));
  }

  T& at(const key_type& key) { return AtKey(*this, key); }
  template <class K, IfKeyLike<K> = 0>
  T& at(K&& key) {
    return AtKey(*this, key);
  }
  const T& at(const key_type& key) const { return AtKey(*this, key); }
  template <class K, IfKeyLike<K> = 0>
  const T& at(K&& key) const {
    return AtKey(*this, key);
  }

  size_type erase(const key_type& key) { return EraseKey(key); }
  template <class K, IfKeyLike<K> = 0>
  size_type erase(K&& key) {
    return EraseKey(key);
  }
  iterator erase(iterator pos) { return Container::erase(pos); }
  iterator erase(iterator first, iterator last) { return Container::erase(first, last); }

  size_type count(const key_type& key) const { return find(key) == this->end() ? 0 : 1; }
  template <class K, IfKeyLike<K> = 0>
  size_type count(K&& key) const {
    return find(key) == this->end() ? 0 : 1;
  }

  iterator find(const key_type& key) { return FindKey(*this, key); }
  template <class K, IfKeyLike<K> = 0>
  iterator find(K&& key) {
    return FindKey(*this, key);
  }
  const_iterator find(const key_type& key) const { return FindKey(*this, key); }
  template <class K, IfKeyLike<K> = 0>
  const_iterator find(K&& key) const {
    return FindKey(*this, key);
  }

  std::pair<iterator, bool> insert(value_type&& value) { return emplace(std::move(value.first), std::move(value.second)); }
  std::pair<iterator, bool> insert(const value_type& value) {
    auto it = find(value.first);
    if (it != this->end()) return {it, false};
    Container::push_back(value);
    return {std::prev(this->end()), true};
  }
  template <typename It>
  void insert(It first, It last) {
    for (; first != last; ++first) insert(*first);
  }

 private:
  template <class Self, class K>
  static auto FindKey(Self& self, const K& key) {
    key_compare equal;
    auto it = self.begin();
    for (; it != self.end(); ++it)
      if (equal(it->first, key)) break;
    return it;
  }
  template <class Self, class K>
  static auto& AtKey(Self& self, const K& key) {
    auto it = FindKey(self, key);
    if (it == self.end()) throw std::out_of_range("key not found");
    return it->second;
  }
  template <class K>
  std::pair<iterator, bool> EmplaceKey(K&& key, T&& value) {
    auto it = FindKey(*this, key);
    if (it != this->end()) return {it, false};
    Container::emplace_back(std::forward<K>(key), std::move(value));
    return {std::prev(this->end()), true};
  }
  template <class K>
  size_type EraseKey(const K& key) {
    auto it = FindKey(*this, key);
    if (it == this->end()) return 0;
    Container::erase(it);
    return 1;
  }
};

using Json = nlohmann::basic_json<OrderedMap>;

// One member of Object's list. The value is moved out of the list (whose elements are
// const, hence mutable), so a nested object is built once, not copied per level.
struct JsonMember {
  JsonMember(std::string_view k, Json v) : key(k), value(std::move(v)) {}
  std::string_view key;
  mutable Json value;
};

// Object({{"Ref", id}}) is Json{{"Ref", id}} without nlohmann's detour: its initializer
// list builds each {key, value} pair as a two-element array, checks that it is one,
// then moves it apart and destroys it. A key given twice keeps its first value, as
// there.
inline Json Object(std::initializer_list<JsonMember> members) {
  Json object(Json::value_t::object);
  auto& map = object.get_ref<Json::object_t&>();
  map.reserve(members.size());
  for (const JsonMember& m : members) map.emplace(std::string(m.key), std::move(m.value));
  return object;
}

}  // namespace bp
