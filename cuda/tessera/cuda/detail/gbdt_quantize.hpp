// tessera/cuda/detail/gbdt_quantize.hpp — gradients and hessians of one boosting
// iteration turned into 64-bit fixed point on the device, by the rule of
// detail/histogram_kernel.hpp that the CPU trainer uses too:
//   k = fixed_point_exponent(n, max |g|)   (61 - e_n - e_max, 0 when all zero)
//   q = llrint(ldexp(double(g), k))
// max |g| is a Thrust transform_reduce (maximum is exact, so any reduction order
// gives the CPU's value), the exponent is computed on the host from it by the
// same function, and the transform applies the same llrint(ldexp()) per value:
// the integers are the CPU's bit for bit. Same source for nvcc and g++ (OMP).
#pragma once

#include <cstddef>
#include <string_view>

#include <thrust/functional.h>
#include <thrust/transform.h>
#include <thrust/transform_reduce.h>

#include <tessera/core/errors.hpp>
#include <tessera/cuda/detail/common.hpp>
#include <tessera/cuda/detail/histogram.hpp>  // abs_double
#include <tessera/cuda/detail/histogram_kernel.hpp>

namespace tessera::device_detail {

struct to_fixed_fn {
    int k;
    template <class G>
    TESSERA_HD long long operator()(G g) const {
        return static_cast<long long>(quantize(static_cast<double>(g), k));
    }
};

// Largest |g| over g[0, n); throws data_error naming `column` and the first
// non-finite row (the quantization has no representation for NaN or inf).
template <class Backend, class Ptr>
double max_abs_finite(const Backend& be, Ptr g, std::size_t n, std::string_view fn,
                      std::string_view column) {
    const std::size_t bad = find_first(be, g, n, not_finite{});
    if (bad != n) throw errors::non_finite(fn, column, bad);
    if (n == 0) return 0.0;
    return thrust::transform_reduce(be.policy(), g, g + n, abs_double{}, 0.0,
                                    thrust::maximum<double>{});
}

// out[i] = llrint(ldexp(g[i], k)) for i < n; returns k. `n_exp` is the row count
// the exponent is chosen for (the CPU rule's n), max |g| is taken over g[0, n).
template <class Backend, class Ptr, class OutPtr>
int quantize_to_fixed(const Backend& be, Ptr g, std::size_t n, std::size_t n_exp, OutPtr out,
                      std::string_view fn, std::string_view column) {
    const int k = fixed_point_exponent(n_exp, max_abs_finite(be, g, n, fn, column));
    if (n != 0) thrust::transform(be.policy(), g, g + n, out, to_fixed_fn{k});
    return k;
}

}  // namespace tessera::device_detail
