"""PyTorch goldens for test_nn (tests/nn/test_nn_torch.cpp): a few full
training steps of small networks whose initial weights, data and labels come
from closed-form formulas both sides evaluate, run by torch.nn / torch.optim.
Prints the C++ arrays pasted into test_nn_torch.cpp.

    python3 tests/nn/make_torch_golden.py      (torch 2.x, CPU)
"""
import math

import torch

torch.set_default_dtype(torch.float32)


def w_init(layer, i, o):
    return 0.3 * math.sin(1 + 7 * i + 3 * o + 11 * layer)


def b_init(layer, o):
    return 0.1 * math.cos(o + layer)


def x_at(r, j):
    return math.sin(0.7 * r + 1.3 * j) + 0.1 * j


def linear(layer, n_in, n_out):
    lin = torch.nn.Linear(n_in, n_out)
    with torch.no_grad():
        for o in range(n_out):
            lin.bias[o] = b_init(layer, o)
            for i in range(n_in):
                lin.weight[o, i] = w_init(layer, i, o)
    return lin


def flat(model):
    """Parameters in tessera's layout: per dense layer W (in x out, row-major) then b;
    per batch_norm gamma then beta."""
    out = []
    for m in model:
        if isinstance(m, torch.nn.Linear):
            out += m.weight.detach().t().reshape(-1).tolist() + m.bias.detach().tolist()
        elif isinstance(m, torch.nn.BatchNorm1d):
            out += m.weight.detach().tolist() + m.bias.detach().tolist()
    return out


def emit(name, values):
    print(f"const std::vector<double> {name} = {{")
    for k in range(0, len(values), 4):
        print("    " + ", ".join(f"{v:.9g}" for v in values[k:k + 4]) + ",")
    print("};")


# Case 1: dense<tanh>(3->5), dense<gelu>(5->4), dense<>(4->3), softmax cross-entropy,
# AdamW(lr 0.01, weight_decay 0.05), clip_grad_norm_ 0.5, 6 full-batch steps on 10 rows.
n = 10
X = torch.tensor([[x_at(r, j) for j in range(3)] for r in range(n)])
y = torch.tensor([r % 3 for r in range(n)])
model = torch.nn.Sequential(linear(0, 3, 5), torch.nn.Tanh(), linear(1, 5, 4), torch.nn.GELU(), linear(2, 4, 3))
opt = torch.optim.AdamW(model.parameters(), lr=0.01, weight_decay=0.05)
for _ in range(6):
    opt.zero_grad()
    loss = torch.nn.functional.cross_entropy(model(X), y)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 0.5)
    opt.step()
emit("torch_case1", flat(model))

# Case 2: dense<leaky_relu>(3->6), batch_norm(6), dense<>(6->1), Huber(delta 0.5),
# SGD(lr 0.05, momentum 0.9, nesterov, weight_decay 0.01), 5 full-batch steps.
t = torch.tensor([[math.cos(0.5 * r)] for r in range(n)])
model = torch.nn.Sequential(linear(0, 3, 6), torch.nn.LeakyReLU(0.01), torch.nn.BatchNorm1d(6), linear(2, 6, 1))
model.train()
opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)
for _ in range(5):
    opt.zero_grad()
    loss = torch.nn.functional.huber_loss(model(X), t, delta=0.5)
    loss.backward()
    opt.step()
emit("torch_case2", flat(model))
emit("torch_case2_running", model[2].running_mean.tolist() + model[2].running_var.tolist())
