// tessera/cuda/detail/gbdt_partition.hpp — split a node's row-index list on the
// device: thrust::stable_partition, so the left child's rows keep their order
// and come first, then the right child's in their order (what a sequential
// two-list partition on the CPU gives).
//
// Decision on the bin code x = column[row * stride] (the split feature's codes:
// a column-major column with stride 1, or row-major bins + feature with stride
// n_features):
//   x == nan_bin (the feature's NaN bin, if any)  -> left iff nan_left;
//   categorical (cat_bits != nullptr)             -> left iff bit x of cat_bits;
//   numerical                                     -> left iff x <= threshold.
// Thresholds are bin codes within the feature (not flat bins).
#pragma once

#include <cstddef>
#include <cstdint>

#include <thrust/partition.h>

#include <tessera/cuda/detail/common.hpp>

namespace tessera::device_detail {

struct goes_left_fn {
    const std::uint8_t* column;
    std::size_t stride;
    std::uint32_t threshold;      // numerical: left iff code <= threshold
    std::uint32_t nan_code;       // the NaN bin's code within the feature (> 255: none)
    bool nan_left;
    const std::uint32_t* cat_bits;  // categorical: 256-bit set of left codes, else nullptr
    TESSERA_HD bool operator()(std::uint32_t row) const {
        const std::uint32_t x = column[static_cast<std::size_t>(row) * stride];
        if (x == nan_code) return nan_left;
        if (cat_bits != nullptr) return ((cat_bits[x / 32] >> (x % 32)) & 1u) != 0;
        return x <= threshold;
    }
};

// Partitions rows[0, n) in place; returns the number of rows that go left.
template <class Backend>
std::size_t partition_rows(const Backend& be, std::uint32_t* rows, std::size_t n,
                           const goes_left_fn& left) {
    const auto r = thrust::device_pointer_cast(rows);
    const auto mid = thrust::stable_partition(be.policy(), r, r + n, left);
    return static_cast<std::size_t>(mid - r);
}

}  // namespace tessera::device_detail
