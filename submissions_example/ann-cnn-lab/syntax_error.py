# 3일차 실습: the perceptron cell does not parse; the other cells still run.
# %%
import math

import torch
import torch.nn as nn
import torch.optim as optim


# %% OR perceptron (a colon is missing)
def perceptron(w, x)
    s = w[0] + sum(wi * xi for wi, xi in zip(w[1:], x))
    return 1 if s >= 0 else -1


or_outputs = [perceptron([-0.5, 1, 1], x) for x in [(0, 0), (1, 0), (0, 1), (1, 1)]]

# %% XOR with the multi-layer perceptron
torch.manual_seed(777)
X = torch.FloatTensor([[0, 0], [0, 1], [1, 0], [1, 1]])
Y = torch.FloatTensor([[0], [1], [1], [0]])
model = nn.Sequential(
    nn.Linear(2, 10), nn.Sigmoid(), nn.Linear(10, 10), nn.Sigmoid(),
    nn.Linear(10, 10), nn.Sigmoid(), nn.Linear(10, 1), nn.Sigmoid(),
)
criterion = nn.BCELoss()
optimizer = optim.SGD(model.parameters(), lr=1)
for epoch in range(10001):
    optimizer.zero_grad()
    cost = criterion(model(X), Y)
    cost.backward()
    optimizer.step()
print(cost.item())


# %% cross-entropy
def cross_entropy(p, q):
    return -sum(pi * math.log(qi) for pi, qi in zip(p, q))


ce_per_sample = [
    cross_entropy([0, 0, 1], [0.1, 0.3, 0.6]),
    cross_entropy([0, 1, 0], [0.2, 0.6, 0.2]),
    cross_entropy([1, 0, 0], [0.3, 0.4, 0.3]),
]
ce_mean = sum(ce_per_sample) / 3
print(ce_per_sample, ce_mean)


# %% output size
def conv_output_size(n, f, stride=1, padding=0):
    return (n + 2 * padding - f) // stride + 1
