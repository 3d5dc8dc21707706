// tessera/cuda/backend.cuh — the CUDA backend object the Thrust bodies in
// detail/ run on, the `__global__` grad/hess histogram kernel, and the wrapper
// every exec::cuda overload goes through.
//
// Stream rule: everything a call does — allocation (cudaMallocAsync), uploads,
// Thrust algorithms (thrust::cuda::par.on(stream)), the raw kernel, downloads —
// is ordered on cuda_t::stream (nullptr: the legacy default stream), and the
// call synchronises that stream before it returns host results, so a call is
// synchronous for its caller and safe on a non-blocking stream. cuda_t::device
// is made current for the call and the previous device restored afterwards.
// CUDA and Thrust failures come out as tessera::error naming the function.
#pragma once

#if !defined(__CUDACC__)
#error "<tessera/cuda.hpp> must be compiled by nvcc (a .cu file); host code uses exec::seq/simd/par"
#endif

#include <cuda_runtime.h>

#include <cstddef>
#include <new>
#include <span>
#include <string_view>
#include <utility>

#include <thrust/device_ptr.h>
#include <thrust/system/cuda/execution_policy.h>
#include <thrust/system_error.h>

#include <tessera/core/errors.hpp>
#include <tessera/cuda/detail/common.hpp>
#include <tessera/cuda/detail/histogram_kernel.hpp>
#include <tessera/exec/policy.hpp>

namespace tessera::device_detail {

inline void check_cuda(cudaError_t e, std::string_view what) {
    if (e != cudaSuccess) {
        throw error(detail::concat("tessera (exec::cuda): ", what, " failed: ",
                                   cudaGetErrorName(e), ": ", cudaGetErrorString(e)));
    }
}

// Stream-ordered device memory (cudaMallocAsync / cudaFreeAsync on the call's stream).
template <class T>
class device_buffer {
public:
    device_buffer(std::size_t n, cudaStream_t s) : n_(n), s_(s) {
        if (n_ != 0) {
            void* p = nullptr;
            check_cuda(cudaMallocAsync(&p, n_ * sizeof(T), s_), "cudaMallocAsync");
            p_ = static_cast<T*>(p);
        }
    }
    device_buffer(device_buffer&& o) noexcept
        : p_(std::exchange(o.p_, nullptr)), n_(std::exchange(o.n_, 0)), s_(o.s_) {}
    device_buffer& operator=(device_buffer&& o) noexcept {
        std::swap(p_, o.p_);
        std::swap(n_, o.n_);
        std::swap(s_, o.s_);
        return *this;
    }
    device_buffer(const device_buffer&) = delete;
    device_buffer& operator=(const device_buffer&) = delete;
    ~device_buffer() {
        if (p_ != nullptr) cudaFreeAsync(p_, s_);  // no throw from a destructor
    }

    thrust::device_ptr<T> data() const { return thrust::device_pointer_cast(p_); }
    std::size_t size() const { return n_; }

private:
    T* p_ = nullptr;
    std::size_t n_ = 0;
    cudaStream_t s_ = nullptr;
};

struct device_atomic {
    TESSERA_HD static void add(ull* p, ull v) {
#if defined(__CUDA_ARCH__)
        atomicAdd(p, v);
#else
        *p += v;  // host side is never launched; kept correct anyway
#endif
    }
};

// The fixed-point grad/hess histogram: three phases of histogram_kernel.hpp
// separated by barriers (the host emulation runs the same phases).
template <class B, class G>
__global__ void grad_hess_kernel(bool shared, grad_hess_args<B, G> a) {
    extern __shared__ ull smem[];
    if (shared) {
        grad_hess_zero<device_atomic>(threadIdx.x, blockDim.x, smem, a.nbins);
        __syncthreads();
        grad_hess_accumulate<device_atomic>(blockIdx.x, threadIdx.x, blockDim.x, gridDim.x, a,
                                            smem);
        __syncthreads();
        grad_hess_flush<device_atomic>(threadIdx.x, blockDim.x, smem, a.hist, a.nbins);
    } else {
        grad_hess_accumulate<device_atomic>(blockIdx.x, threadIdx.x, blockDim.x, gridDim.x, a,
                                            a.hist);
    }
}

struct cuda_backend {
    cudaStream_t stream = nullptr;

    template <class T>
    using buffer = device_buffer<T>;

    auto policy() const { return thrust::cuda::par.on(stream); }

    template <class T>
    buffer<T> alloc(std::size_t n) const {
        return buffer<T>(n, stream);
    }
    template <class T>
    buffer<T> upload(std::span<const T> h) const {
        buffer<T> d(h.size(), stream);
        if (!h.empty()) {
            check_cuda(cudaMemcpyAsync(thrust::raw_pointer_cast(d.data()), h.data(),
                                       h.size() * sizeof(T), cudaMemcpyHostToDevice, stream),
                       "cudaMemcpyAsync (host to device)");
        }
        return d;
    }
    template <class Ptr, class T>
    void download(Ptr p, std::size_t n, T* h) const {
        if (n != 0) {
            check_cuda(cudaMemcpyAsync(h, thrust::raw_pointer_cast(p), n * sizeof(T),
                                       cudaMemcpyDeviceToHost, stream),
                       "cudaMemcpyAsync (device to host)");
        }
        check_cuda(cudaStreamSynchronize(stream), "cudaStreamSynchronize");
    }
    template <class B, class G>
    void launch_grad_hess(const grad_hess_plan& plan, const grad_hess_args<B, G>& args) const {
        grad_hess_kernel<B, G><<<plan.grid, plan.block, plan.smem_bytes, stream>>>(plan.shared,
                                                                                  args);
        check_cuda(cudaGetLastError(), "grad_hess_kernel launch");
    }
};

class device_guard {
public:
    explicit device_guard(int device) {
        check_cuda(cudaGetDevice(&previous_), "cudaGetDevice");
        if (previous_ != device) check_cuda(cudaSetDevice(device), "cudaSetDevice");
    }
    device_guard(const device_guard&) = delete;
    device_guard& operator=(const device_guard&) = delete;
    ~device_guard() { cudaSetDevice(previous_); }

private:
    int previous_ = 0;
};

// Runs body(cuda_backend) on the policy's device and stream; CUDA/Thrust errors
// become tessera::error naming the function, tessera errors pass through.
template <class Body>
auto run_on(const exec::cuda_t& policy, std::string_view fn, Body&& body) {
    try {
        device_guard guard(policy.device);
        return body(cuda_backend{policy.stream});
    } catch (const tessera::error&) {
        throw;
    } catch (const thrust::system_error& e) {
        throw error(detail::concat(where(fn), ": CUDA error: ", e.what()));
    } catch (const std::bad_alloc& e) {
        throw error(detail::concat(where(fn), ": device memory allocation failed: ", e.what()));
    }
}

}  // namespace tessera::device_detail

// The body of every exec::cuda overload in namespace tessera::kernels: forwards
// to device_detail::fn on the CUDA backend (`policy` is the overload's cuda_t).
#define TESSERA_CUDA_RUN(fn, ...)                                                      \
    return ::tessera::device_detail::run_on(policy, #fn, [&](const auto& be) {          \
        return ::tessera::device_detail::fn(be, __VA_ARGS__);                           \
    })
