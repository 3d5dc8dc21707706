// tessera/learners/gbdt.hpp — histogram gradient-boosted trees (docs/gbdt.md):
// gbdt::classifier / gbdt::regressor fit a gbdt::model; gbdt::dataset bins data
// once for many fits; gbdt::params holds the hyperparameters (LightGBM names).
#pragma once

#include <tessera/learners/gbdt/binning.hpp>
#include <tessera/learners/gbdt/estimators.hpp>
#include <tessera/learners/gbdt/model.hpp>
#include <tessera/learners/gbdt/objective.hpp>
#include <tessera/learners/gbdt/params.hpp>
#include <tessera/learners/gbdt/tree.hpp>
