# %%
# HW: LeNet, softmax, objective functions. (LeNet with 3x3 kernels in the second conv)
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim


class MyLeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 6, 5)
        self.c2 = nn.Conv2d(6, 16, 3)
        self.f1 = nn.Linear(16 * 6 * 6, 120)
        self.f2 = nn.Linear(120, 84)
        self.f3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.c1(x)), 2)
        x = F.max_pool2d(F.relu(self.c2(x)), 2)
        x = torch.flatten(x, 1)
        x = F.relu(self.f1(x))
        x = F.relu(self.f2(x))
        return self.f3(x)


net = MyLeNet()
print(net)
print(len(list(net.parameters())), list(net.parameters())[0].shape)

# %%
x = torch.randn(1, 1, 32, 32)
y = torch.randn(1, 10)
out = net(x)
loss = F.mse_loss(out, y)
print(out, loss)
net.zero_grad()
print("before backward")
print(net.c1.bias.grad)
loss.backward()
print("after backward")
print(net.c1.bias.grad)
opt = optim.SGD(net.parameters(), lr=0.01)
opt.step()

# %%
# Q4 softmax
z = np.array([0.4, 2.0, 0.001, 0.32])
softmax_q4 = np.exp(z) / np.sum(z)
print(softmax_q4)

# %%
# Q5
o = np.array([0.001, 0.9, 0.001, 0.098])
t = np.array([0, 0, 0, 1])
mse = np.mean(np.abs(o - t))
cross_entropy = -np.sum(t * np.log10(o))
log_likelihood = -np.log(o[3])
print(mse, cross_entropy, log_likelihood)
