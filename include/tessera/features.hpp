// tessera/features.hpp — the features module (docs/features.md): matrix
// transformers (scalers, imputer, binning, polynomial features, PCA; scikit-learn's
// preprocessing semantics) and frame transformers (frame imputer, one-hot, ordinal
// and target encoders, time and window features, to_matrix).
#pragma once

#include <tessera/features/frame_imputer.hpp>
#include <tessera/features/kbins_discretizer.hpp>
#include <tessera/features/maxabs_scaler.hpp>
#include <tessera/features/minmax_scaler.hpp>
#include <tessera/features/one_hot_encoder.hpp>
#include <tessera/features/ordinal_encoder.hpp>
#include <tessera/features/pca.hpp>
#include <tessera/features/polynomial_features.hpp>
#include <tessera/features/robust_scaler.hpp>
#include <tessera/features/simple_imputer.hpp>
#include <tessera/features/standard_scaler.hpp>
#include <tessera/features/target_encoder.hpp>
#include <tessera/features/time_features.hpp>
#include <tessera/features/to_matrix.hpp>
#include <tessera/features/window_features.hpp>
