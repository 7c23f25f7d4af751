# LeNet + softmax + objectives, one file (old lab machine, python 2 habits)
import math
import torch
import torch.nn as nn
import torch.nn.functional as F


class LeNet(nn.Module):
    def __init__(self):
        super(LeNet, self).__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(400, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.view(x.size(0), -1)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


net = LeNet()
print net
x = torch.randn(1, 1, 32, 32)
target = torch.randn(1, 10)
loss = nn.MSELoss()(net(x), target)
net.zero_grad()
print 'conv1.bias.grad before backward'
print net.conv1.bias.grad
loss.backward()
print 'conv1.bias.grad after backward'
print net.conv1.bias.grad

scores = [0.4, 2.0, 0.001, 0.32]
z = sum(math.exp(s) for s in scores)
softmax_q4 = [math.exp(s) / z for s in scores]
print softmax_q4

o = [0.001, 0.9, 0.001, 0.098]
y = [0, 0, 0, 1]
mse = sum((a - b) ** 2 for a, b in zip(o, y)) / 4
cross_entropy = -sum(b * math.log(a) for a, b in zip(o, y))
log_likelihood = -math.log(o[3])
print mse, cross_entropy, log_likelihood
