# 과제 1번: LeNet 구조 확인 (1x32x32 입력)
# Q1 only, written top to bottom as one script, the way the blitz page reads.
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.view(-1, self.num_flat_features(x))
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x

    def num_flat_features(self, x):
        size = x.size()[1:]
        n = 1
        for s in size:
            n *= s
        return n


net = Net()
print(net)                      # (1)
params = list(net.parameters())
print(len(params))              # (2)
print(params[0].size())         # (3) conv1 weight

input = torch.randn(1, 1, 32, 32)
out = net(input)
print(out)                      # (4)

target = torch.randn(10).view(1, -1)
criterion = nn.MSELoss()
loss = criterion(out, target)
print(loss)                     # (5)

net.zero_grad()
print('conv1.bias.grad before backward')
print(net.conv1.bias.grad)      # (6)
loss.backward()
print('conv1.bias.grad after backward')
print(net.conv1.bias.grad)      # (7)

learning_rate = 0.01
for f in net.parameters():
    f.data.sub_(f.grad.data * learning_rate)

optimizer = optim.SGD(net.parameters(), lr=0.01)
optimizer.zero_grad()
output = net(input)
loss = criterion(output, target)
loss.backward()
optimizer.step()
