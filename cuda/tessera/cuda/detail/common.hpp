// tessera/cuda/detail/common.hpp — what every backend-neutral Thrust body shares.
//
// The bodies in this folder are written once against Thrust (device_ptr ranges,
// a policy from the backend object) so the SAME source compiles with nvcc for
// CUDA and with g++ under THRUST_DEVICE_SYSTEM_OMP, where the tests run it on a
// machine without a GPU (DESIGN.md, "Execution"). A backend object supplies the
// execution policy, device buffers, host<->device copies and the launch of the
// one raw kernel (the fixed-point grad/hess histogram):
//
//   be.policy()            thrust::device (OMP) or thrust::cuda::par.on(stream)
//   be.alloc<T>(n)         buffer with .data() -> thrust::device_ptr<T>, .size()
//   be.upload(span)        alloc + copy host -> device
//   be.download(p, n, h)   copy device -> host, then wait for the stream
//
// `omp_backend` (below) exists only when Thrust's device system is not CUDA;
// the CUDA backend lives in <tessera/cuda/backend.cuh> (nvcc only).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include <thrust/device_ptr.h>
#include <thrust/device_vector.h>
#include <thrust/execution_policy.h>
#include <thrust/copy.h>
#include <thrust/find.h>
#include <thrust/iterator/counting_iterator.h>

#include <tessera/core/config.hpp>
#include <tessera/core/errors.hpp>
#include <tessera/kernels/detail/histogram_impl.hpp>  // bad_bin: the CPU path's message

#ifndef TESSERA_HD  // normally from core/config.hpp
#if defined(__CUDACC__)
#define TESSERA_HD __host__ __device__
#else
#define TESSERA_HD
#endif
#endif

namespace tessera::device_detail {

template <class T>
TESSERA_HD inline bool is_nan(T v) {
    return v != v;  // no <cmath> in device code paths; -ffast-math is never used
}

struct to_double {
    template <class T>
    TESSERA_HD double operator()(T v) const {
        return static_cast<double>(v);
    }
};

struct nan_to_zero {
    template <class T>
    TESSERA_HD double operator()(T v) const {
        return is_nan(v) ? 0.0 : static_cast<double>(v);
    }
};

struct not_finite {
    template <class T>
    TESSERA_HD bool operator()(T v) const {
        const double d = static_cast<double>(v);
        return d != d || d - d != 0.0;  // NaN, or ±inf (inf - inf is NaN)
    }
};

template <class B>
struct bin_out_of_range {
    std::size_t nbins;
    TESSERA_HD bool operator()(B b) const { return static_cast<std::size_t>(b) >= nbins; }
};

// "kernels::<fn>(exec::cuda)": the prefix of every message the device path throws.
inline std::string where(std::string_view fn) {
    return detail::concat("kernels::", fn, "(exec::cuda)");
}

// Copies one element back (used for error messages and quantile endpoints).
template <class Backend, class Ptr>
auto fetch(const Backend& be, Ptr p) {
    std::remove_cv_t<std::remove_pointer_t<decltype(thrust::raw_pointer_cast(p))>> v{};
    be.download(p, 1, &v);
    return v;
}

// Index of the first element for which `pred` holds, or n.
template <class Backend, class Ptr, class Pred>
std::size_t find_first(const Backend& be, Ptr p, std::size_t n, Pred pred) {
    const auto it = thrust::find_if(be.policy(), p, p + n, pred);
    return static_cast<std::size_t>(it - p);
}

// Throws the CPU path's data_error for the first row whose bin index is >= nbins.
template <class Backend, class B>
void check_bins(const Backend& be, thrust::device_ptr<B> bins, std::size_t n,
                std::size_t nbins, std::string_view fn) {
    const std::size_t bad = find_first(be, bins, n, bin_out_of_range<std::remove_const_t<B>>{nbins});
    if (bad != n) {
        throw kernels::detail::bad_bin(where(fn), "bins", bad,
                                       static_cast<std::uint64_t>(fetch(be, bins + bad)), nbins);
    }
}

inline void check_same_size(std::string_view fn, std::string_view what, std::size_t expected,
                            std::size_t found) {
    if (expected != found) {
        throw errors::size_mismatch(detail::concat(where(fn), ": ", what), expected, found);
    }
}

#if THRUST_DEVICE_SYSTEM != THRUST_DEVICE_SYSTEM_CUDA
// Thrust's OMP (or CPP/TBB) device system: device memory is host memory, so the
// raw histogram kernel is run by its host emulation (histogram_kernel.hpp).
struct omp_backend {
    template <class T>
    using buffer = thrust::device_vector<T>;

    auto policy() const { return thrust::device; }

    template <class T>
    buffer<T> alloc(std::size_t n) const {
        return buffer<T>(n);
    }
    template <class T>
    buffer<T> upload(std::span<const T> h) const {
        return buffer<T>(h.begin(), h.end());
    }
    template <class Ptr, class T>
    void download(Ptr p, std::size_t n, T* h) const {
        thrust::copy(p, p + n, h);
    }
    template <class Plan, class Args>
    void launch_grad_hess(const Plan& plan, const Args& args) const;  // histogram_kernel.hpp
};
#endif

}  // namespace tessera::device_detail
