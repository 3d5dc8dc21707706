// Must NOT compile: exec::cuda from a g++ translation unit hits the host
// header's static_assert ("exec::cuda needs this translation unit compiled by
// nvcc ..."). Built only by the CTest cuda_policy_in_host_code_fails.
#include <span>
#include <vector>

#include <tessera/kernels/reduce.hpp>

int main() {
    const std::vector<float> x{1.0f, 2.0f};
    return static_cast<int>(tessera::kernels::sum(tessera::exec::cuda, std::span<const float>(x)));
}
