// tessera/learners/nn.hpp — neural learners: nn::mlp<Layers...>, a multilayer
// perceptron composed at compile time from dense (fused activation), dropout,
// batch_norm and layer_norm layers, trained with SGD / Adam / AdamW on the
// sgemm kernel (kernels/gemm.hpp). See docs/nn.md.
#pragma once

#include <tessera/learners/nn/activations.hpp>
#include <tessera/learners/nn/layers.hpp>
#include <tessera/learners/nn/losses.hpp>
#include <tessera/learners/nn/mlp.hpp>
#include <tessera/learners/nn/optimizers.hpp>
#include <tessera/learners/nn/params.hpp>
