// Compile-fail cases for nn (built only by their CTests, which expect the
// static_assert text): TESSERA_CASE 1 calls fit and predict with exec::cuda
// from host code; 2 stacks a layer after the last dense layer.
#include <cstdint>

#include <tessera/learners/nn.hpp>

using namespace tessera;

int main() {
    matrix<float> X = xt::zeros<float>({4, 2});
    vector<std::int32_t> y = {0, 1, 0, 1};
#if TESSERA_CASE == 1
    using net = nn::mlp<nn::dense<nn::relu>, nn::dense<>>;
    const auto m = net{{.hidden = {4}}}.fit(exec::cuda, X, y);
    return static_cast<int>(m.predict(exec::cuda, X)(0));
#elif TESSERA_CASE == 2
    using net = nn::mlp<nn::dense<nn::relu>, nn::dense<>, nn::dropout>;
    return static_cast<int>(net{{.hidden = {4}}}.fit(exec::seq, X, y).predict(exec::seq, X)(0));
#endif
}
