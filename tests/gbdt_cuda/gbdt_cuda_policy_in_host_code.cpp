// Must NOT compile: exec::cuda GBDT training from a g++ translation unit. The
// test gbdt_cuda_policy_in_host_code_fails expects the static_assert's text.
#include <cstdint>

#include <tessera/learners/gbdt/estimators.hpp>

int main() {
    using namespace tessera;
    const matrix<float> X = matrix<float>::from_shape({4, 2});
    const vector<std::int32_t> y = vector<std::int32_t>::from_shape({4});
    const gbdt::model m = gbdt::classifier{}.fit(exec::cuda, X, y);
    return static_cast<int>(m.n_features());
}
