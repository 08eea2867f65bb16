// The integrity checksum of a `.kiln` file, so that a flipped bit anywhere (in the constant blob,
// in padding nothing refers to, in the trailer itself) or a cut or appended byte is a load error
// instead of silently wrong weights. The writer appends a 16-byte trailer after the FlatBuffer:
// the 8 bytes kChecksumTrailerMagic ("KILNSUM1"), then ArtifactChecksum of every byte before the
// trailer as a little-endian u64. docs/artifact.md ("Checksum trailer") spells out the algorithm.
//
//   AppendChecksumTrailer(file_bytes);                              // the writer
//   std::optional<ChecksumTrailer> t = SplitChecksumTrailer(file);  // the loader
//   bool intact = t && ArtifactChecksum(t->body) == t->stored;
//
// The hash is built for speed (several GB/s: four independent 64-bit lanes over 8-byte words)
// and for one guarantee: any change confined to one 8-byte word (word j = bytes [8j, 8j + 8)
// from the start, or the 0..7 tail bytes) changes the hash, with certainty, not just with
// probability 1 - 2^-64. The round that takes in a word, lane = rotl(lane + word * odd1, 31) *
// odd2, is a bijection of the word for a fixed lane state, and every later step (the same round
// on the lane with other words, the xor-shift / odd-multiply Mix of each lane, folding the lanes
// and the tail into one value with the same round, the final Mix) is a bijection of the state it
// is given: so two inputs that differ in one word alone give different hashes. In particular
// every single-bit flip and every one-byte change is caught. Larger changes are caught with
// probability about 1 - 2^-64 (artifact_checksum_test.cc also finds no pair of bit flips in a
// 96-byte buffer that goes unnoticed). It is not a cryptographic hash: it protects against
// accidents (bad disks, broken copies, truncated downloads), not against someone who edits a
// file and recomputes the trailer; the loader's structural checks (artifact_checks.h) still
// treat every artifact as hostile.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace kiln::rt {

// The 64-bit hash of `bytes`; reads them with unaligned-safe loads, any length.
uint64_t ArtifactChecksum(std::span<const uint8_t> bytes);

// Appends the trailer (magic, then ArtifactChecksum of all of `file` so far) to `file`.
void AppendChecksumTrailer(std::vector<uint8_t>& file);

// A file split at its trailer: `body` is every byte before it (the FlatBuffer), `stored` the
// checksum the trailer records (not yet compared with anything).
struct ChecksumTrailer {
  std::span<const uint8_t> body;
  uint64_t stored = 0;
};
// nullopt when `file` is shorter than a trailer or does not end in one (no magic in place).
std::optional<ChecksumTrailer> SplitChecksumTrailer(std::span<const uint8_t> file);

}  // namespace kiln::rt
