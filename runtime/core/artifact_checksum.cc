#include "runtime/core/artifact_checksum.h"

#include <bit>
#include <cstring>

#include "runtime/core/artifact_format.h"

namespace kiln::rt {
namespace {

// The first 64 fractional bits of sqrt(2), sqrt(3), sqrt(5) and sqrt(7) (SHA-512's initial
// values: numbers nobody chose), the first made odd. Odd multipliers are bijections mod 2^64.
constexpr uint64_t kWordMultiplier = 0x6a09e667f3bcc909;
constexpr uint64_t kRoundMultiplier = 0xbb67ae8584caa73b;
constexpr uint64_t kMixMultiplier = 0x3c6ef372fe94f82b;
constexpr uint64_t kSeed = 0xa54ff53a5f1d36f1;
static_assert(kWordMultiplier % 2 == 1 && kRoundMultiplier % 2 == 1 && kMixMultiplier % 2 == 1);

// One round: a bijection of `word` for a fixed `state` (multiply by an odd constant, add,
// rotate, multiply by an odd constant), and of `state` for a fixed `word`. The word is
// multiplied before it meets the state, so that multiply is off the lane's dependency chain, and
// a flipped bit of the word does not act like the same flipped bit of the state would.
inline uint64_t Round(uint64_t state, uint64_t word) {
  return std::rotl(state + word * kWordMultiplier, 31) * kRoundMultiplier;
}

// Spreads every input bit over the whole word; a bijection (xor-shifts and odd multipliers).
inline uint64_t Mix(uint64_t x) {
  x ^= x >> 32;
  x *= kMixMultiplier;
  x ^= x >> 29;
  x *= kWordMultiplier;
  x ^= x >> 32;
  return x;
}

inline uint64_t LoadLittleEndian(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof(v));
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
  return v;
}

inline void StoreLittleEndian(uint64_t v, uint8_t* p) {
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
  std::memcpy(p, &v, sizeof(v));
}

}  // namespace

uint64_t ArtifactChecksum(std::span<const uint8_t> bytes) {
  const uint8_t* p = bytes.data();
  const size_t n = bytes.size();
  const size_t words = n / 8;
  // Word j goes into lane j % 4; the four chains are independent, so they overlap in the CPU.
  uint64_t a = kSeed, b = kSeed + 1, c = kSeed + 2, d = kSeed + 3;
  size_t j = 0;
  for (; j + 4 <= words; j += 4) {
    a = Round(a, LoadLittleEndian(p + 8 * j));
    b = Round(b, LoadLittleEndian(p + 8 * j + 8));
    c = Round(c, LoadLittleEndian(p + 8 * j + 16));
    d = Round(d, LoadLittleEndian(p + 8 * j + 24));
  }
  if (j < words) a = Round(a, LoadLittleEndian(p + 8 * j++));
  if (j < words) b = Round(b, LoadLittleEndian(p + 8 * j++));
  if (j < words) c = Round(c, LoadLittleEndian(p + 8 * j++));
  // The 0..7 bytes after the last whole word, little-endian, zero-padded.
  uint64_t tail = 0;
  for (size_t i = n; i > 8 * words; --i) tail = (tail << 8) | p[i - 1];

  // Each fold is a round, a bijection of the lane (or tail) for a fixed state, and of the state.
  uint64_t h = static_cast<uint64_t>(n);
  h = Round(h, Mix(a));
  h = Round(h, Mix(b));
  h = Round(h, Mix(c));
  h = Round(h, Mix(d));
  h = Round(h, tail);
  return Mix(h);
}

void AppendChecksumTrailer(std::vector<uint8_t>& file) {
  const uint64_t checksum = ArtifactChecksum(file);
  const size_t at = file.size();
  file.resize(at + kChecksumTrailerBytes);
  std::memcpy(file.data() + at, kChecksumTrailerMagic, kChecksumTrailerMagicBytes);
  StoreLittleEndian(checksum, file.data() + at + kChecksumTrailerMagicBytes);
}

std::optional<ChecksumTrailer> SplitChecksumTrailer(std::span<const uint8_t> file) {
  if (file.size() < kChecksumTrailerBytes) return std::nullopt;
  const size_t at = file.size() - kChecksumTrailerBytes;
  if (std::memcmp(file.data() + at, kChecksumTrailerMagic, kChecksumTrailerMagicBytes) != 0) {
    return std::nullopt;
  }
  return ChecksumTrailer{.body = file.first(at),
                         .stored = LoadLittleEndian(file.data() + at + kChecksumTrailerMagicBytes)};
}

}  // namespace kiln::rt
