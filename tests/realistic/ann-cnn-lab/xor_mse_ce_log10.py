import numpy as np
import torch
import torch.nn as nn

X = torch.FloatTensor([[0, 0], [0, 1], [1, 0], [1, 1]])
Y = torch.FloatTensor([[0], [1], [1], [0]])

# 단층 퍼셉트론
single = nn.Sequential(nn.Linear(2, 1), nn.Sigmoid())
bce = nn.BCELoss()
opt = torch.optim.SGD(single.parameters(), lr=1)
for step in range(2001):
    opt.zero_grad()
    cost = bce(single(X), Y)
    cost.backward()
    opt.step()
final_cost = cost.item()
print("single layer cost:", final_cost)

# 다층 퍼셉트론 (손실은 MSE로 바꿔봄)
mlp = nn.Sequential(
    nn.Linear(2, 10), nn.Sigmoid(),
    nn.Linear(10, 10), nn.Sigmoid(),
    nn.Linear(10, 10), nn.Sigmoid(),
    nn.Linear(10, 1), nn.Sigmoid(),
)
mse = nn.MSELoss()
opt2 = torch.optim.SGD(mlp.parameters(), lr=0.1)
for step in range(2001):
    opt2.zero_grad()
    cost2 = mse(mlp(X), Y)
    cost2.backward()
    opt2.step()
print("mlp:", (mlp(X) > 0.5).float().squeeze())

# 교차 엔트로피 (상용로그)
def cross_entropy(p, q):
    return -np.sum(p * np.log10(q))

ce_example = cross_entropy(np.array([1, 0, 0]), np.array([0.7, 0.2, 0.1]))
targets = [np.array([0, 0, 1]), np.array([0, 1, 0]), np.array([1, 0, 0])]
outputs = [np.array([0.1, 0.3, 0.6]), np.array([0.2, 0.6, 0.2]), np.array([0.3, 0.4, 0.3])]
ce_per_sample = np.array([cross_entropy(t, o) for t, o in zip(targets, outputs)])
ce_mean = ce_per_sample.mean()
print(ce_example, ce_per_sample, ce_mean)
