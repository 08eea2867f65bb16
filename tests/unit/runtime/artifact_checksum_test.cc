// ArtifactChecksum: values computed independently (a Python transcription of the algorithm in
// docs/artifact.md), agreement with the plain word-by-word form at every length and alignment,
// the one-word guarantee on random data, all single and double bit flips of small buffers, and
// the trailer's byte layout.
#include "runtime/core/artifact_checksum.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <optional>
#include <random>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "runtime/core/artifact_format.h"

namespace kiln::rt {
namespace {

std::vector<uint8_t> Bytes(const std::string& s) { return {s.begin(), s.end()}; }

std::vector<uint8_t> Pattern(size_t n) {
  std::vector<uint8_t> out(n);
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(i * 31 + 7);
  return out;
}

// The trivial form, as docs/artifact.md states it: word j into lane j % 4, one at a time, bytes
// assembled little-endian by hand. ArtifactChecksum unrolls this and loads words with memcpy.
uint64_t PlainChecksum(const std::vector<uint8_t>& data) {
  const uint64_t k1 = 0x6a09e667f3bcc909, k2 = 0xbb67ae8584caa73b, k3 = 0x3c6ef372fe94f82b;
  auto round = [&](uint64_t h, uint64_t w) { return std::rotl(h + w * k1, 31) * k2; };
  auto mix = [&](uint64_t x) {
    x = (x ^ (x >> 32)) * k3;
    x = (x ^ (x >> 29)) * k1;
    return x ^ (x >> 32);
  };
  auto word = [&](size_t at, size_t count) {
    uint64_t w = 0;
    for (size_t i = 0; i < count; ++i) w |= uint64_t{data[at + i]} << (8 * i);
    return w;
  };
  const uint64_t seed = 0xa54ff53a5f1d36f1;
  uint64_t lanes[4] = {seed, seed + 1, seed + 2, seed + 3};
  const size_t words = data.size() / 8;
  for (size_t j = 0; j < words; ++j) lanes[j % 4] = round(lanes[j % 4], word(8 * j, 8));
  uint64_t h = data.size();
  for (uint64_t lane : lanes) h = round(h, mix(lane));
  return mix(round(h, word(8 * words, data.size() % 8)));
}

TEST(ArtifactChecksumTest, KnownValues) {
  // From an independent Python transcription of docs/artifact.md, run once.
  EXPECT_EQ(ArtifactChecksum({}), 0x975152a3051e31a0u);
  EXPECT_EQ(ArtifactChecksum(Bytes("a")), 0xace92546825b5d65u);
  EXPECT_EQ(ArtifactChecksum(Bytes("KILNSUM1")), 0x8831f41ce865b12cu);
  std::vector<uint8_t> iota(256);
  for (int i = 0; i < 256; ++i) iota[i] = static_cast<uint8_t>(i);
  EXPECT_EQ(ArtifactChecksum(iota), 0x1eeb8d30d1914820u);
  EXPECT_EQ(ArtifactChecksum(Pattern(1003)), 0x6b66c4705ebac096u);  // 3 lanes left over, a tail
}

TEST(ArtifactChecksumTest, MatchesThePlainFormAtEveryLengthAndAlignment) {
  const std::vector<uint8_t> data = Pattern(400);
  for (size_t offset = 0; offset < 8; ++offset) {
    for (size_t n = 0; n + offset <= data.size(); ++n) {
      std::vector<uint8_t> piece(data.begin() + offset, data.begin() + offset + n);
      // The span points `offset` bytes into `data`: unaligned loads.
      ASSERT_EQ(ArtifactChecksum(std::span(data).subspan(offset, n)), PlainChecksum(piece))
          << "offset " << offset << ", length " << n;
    }
  }
}

// The guarantee of the header: inputs that differ only inside one 8-byte word (or only in the
// tail) never collide. Random lengths, words and non-zero changes within the word.
TEST(ArtifactChecksumTest, AnyChangeInsideOneWordChangesTheHash) {
  std::mt19937_64 rng(20240611);
  for (int trial = 0; trial < 200000; ++trial) {
    const size_t n = 1 + rng() % 300;
    std::vector<uint8_t> data(n);
    for (uint8_t& b : data) b = static_cast<uint8_t>(rng());
    const uint64_t before = ArtifactChecksum(data);
    const size_t word = rng() % ((n + 7) / 8);  // the last one may be the partial tail
    const size_t begin = 8 * word, end = std::min(n, begin + 8);
    bool changed = false;
    // Each byte of the word changes with probability 1/2, by a random non-zero xor; at least one.
    while (!changed) {
      for (size_t i = begin; i < end; ++i) {
        if (rng() % 2) {
          data[i] ^= static_cast<uint8_t>(1 + rng() % 255);
          changed = true;
        }
      }
    }
    ASSERT_NE(ArtifactChecksum(data), before) << "trial " << trial << ", word " << word;
  }
}

TEST(ArtifactChecksumTest, EveryBitFlipOfABufferChangesTheHash) {
  std::vector<uint8_t> data = Pattern(1027);
  const uint64_t before = ArtifactChecksum(data);
  std::set<uint64_t> seen = {before};
  for (size_t bit = 0; bit < data.size() * 8; ++bit) {
    data[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    seen.insert(ArtifactChecksum(data));
    data[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
  }
  EXPECT_EQ(seen.size(), data.size() * 8 + 1);  // all different, from each other too
}

// Beyond the guarantee: no two-bit error goes unnoticed in a small buffer, and the 294,528
// results all differ.
TEST(ArtifactChecksumTest, EveryPairOfBitFlipsChangesTheHash) {
  std::vector<uint8_t> data = Pattern(96);
  const size_t bits = data.size() * 8;
  std::vector<uint64_t> hashes = {ArtifactChecksum(data)};
  auto flip = [&](size_t bit) { data[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8)); };
  for (size_t i = 0; i < bits; ++i) {
    flip(i);
    for (size_t j = i + 1; j < bits; ++j) {
      flip(j);
      hashes.push_back(ArtifactChecksum(data));
      flip(j);
    }
    flip(i);
  }
  ASSERT_EQ(hashes.size(), bits * (bits - 1) / 2 + 1);
  std::sort(hashes.begin(), hashes.end());
  EXPECT_EQ(std::adjacent_find(hashes.begin(), hashes.end()), hashes.end());
}

TEST(ArtifactChecksumTest, LengthCounts) {
  std::set<uint64_t> seen;
  for (size_t n = 0; n < 200; ++n) seen.insert(ArtifactChecksum(std::vector<uint8_t>(n, 0)));
  EXPECT_EQ(seen.size(), 200u);
}

TEST(ArtifactChecksumTest, TrailerLayoutAndRoundTrip) {
  const std::vector<uint8_t> body = Pattern(100);
  std::vector<uint8_t> file = body;
  AppendChecksumTrailer(file);
  ASSERT_EQ(file.size(), body.size() + 16);
  EXPECT_EQ(std::string(file.begin() + 100, file.begin() + 108), "KILNSUM1");
  uint64_t stored = 0;
  for (int i = 7; i >= 0; --i) stored = (stored << 8) | file[108 + i];  // little-endian
  EXPECT_EQ(stored, ArtifactChecksum(body));

  std::optional<ChecksumTrailer> t = SplitChecksumTrailer(file);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->body.data(), file.data());
  EXPECT_EQ(t->body.size(), body.size());
  EXPECT_EQ(t->stored, stored);

  // Too short, magic off by one byte, magic moved by one byte.
  EXPECT_FALSE(SplitChecksumTrailer(std::span(file).first(15)).has_value());
  std::vector<uint8_t> bad = file;
  bad[107] ^= 1;
  EXPECT_FALSE(SplitChecksumTrailer(bad).has_value());
  bad = file;
  bad.push_back(0);
  EXPECT_FALSE(SplitChecksumTrailer(bad).has_value());
  // The smallest file with a trailer: an empty body.
  std::vector<uint8_t> empty;
  AppendChecksumTrailer(empty);
  t = SplitChecksumTrailer(empty);
  ASSERT_TRUE(t.has_value());
  EXPECT_TRUE(t->body.empty());
  EXPECT_EQ(t->stored, 0x975152a3051e31a0u);
}

}  // namespace
}  // namespace kiln::rt
