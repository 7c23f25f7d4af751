# 3일차 실습 (인공신경망, CNN), written as a module with cells.
# %%
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.utils.data import DataLoader
from torchvision import datasets, transforms


# %% OR perceptron
def step(s):
    return 1 if s > 0 else -1


def perceptron(w, x):
    return step(w[0] + np.dot(w[1:], x))


or_outputs = [perceptron([-0.5, 1, 1], x) for x in [(0, 0), (1, 0), (0, 1), (1, 1)]]
print(or_outputs)

# %% XOR, single layer
torch.manual_seed(777)
X = torch.FloatTensor([[0, 0], [0, 1], [1, 0], [1, 1]])
Y = torch.FloatTensor([[0], [1], [1], [0]])
single = nn.Sequential(nn.Linear(2, 1), nn.Sigmoid())
criterion = nn.BCELoss()
optimizer = optim.SGD(single.parameters(), lr=1)
for step_number in range(2000):
    optimizer.zero_grad()
    cost = criterion(single(X), Y)
    cost.backward()
    optimizer.step()
print("single layer:", cost.item())

# %% XOR, multi-layer (the learning rate is still 0.1)
torch.manual_seed(777)
mlp = nn.Sequential(
    nn.Linear(2, 10), nn.Sigmoid(), nn.Linear(10, 10), nn.Sigmoid(),
    nn.Linear(10, 10), nn.Sigmoid(), nn.Linear(10, 1), nn.Sigmoid(),
)
optimizer = optim.SGD(mlp.parameters(), lr=0.1)
for epoch in range(10001):
    optimizer.zero_grad()
    cost = criterion(mlp(X), Y)
    cost.backward()
    optimizer.step()
print("mlp:", cost.item())


# %% cross-entropy, in bits
def cross_entropy(p, q):
    return -np.sum(np.array(p) * np.log2(q))


ce_example = cross_entropy([1, 0, 0], [0.7, 0.2, 0.1])
ce_per_sample = [
    cross_entropy([0, 0, 1], [0.1, 0.3, 0.6]),
    cross_entropy([0, 1, 0], [0.2, 0.6, 0.2]),
    cross_entropy([1, 0, 0], [0.3, 0.4, 0.3]),
]
ce_mean = np.mean(ce_per_sample)
print(ce_example, ce_per_sample, ce_mean)


# %% output size: the padding counted once
def conv_output_size(n, f, stride=1, padding=0):
    return (n + padding - f) // stride + 1


conv_example = (conv_output_size(4, 3, 1, 1), conv_output_size(4, 3, 1, 1))
sizes_n7_f3 = [conv_output_size(7, 3, s) for s in (1, 2, 3)]

# %% MNIST MLP, trained with lr 0.01 for one epoch
mnist_train = datasets.MNIST("MNIST_data/", train=True, transform=transforms.ToTensor(), download=True)
mnist_model = nn.Sequential(
    nn.Flatten(), nn.Linear(784, 100), nn.ReLU(), nn.Linear(100, 100), nn.ReLU(), nn.Linear(100, 10)
)
optimizer = optim.SGD(mnist_model.parameters(), lr=0.01)
for images, labels in DataLoader(mnist_train, batch_size=100, shuffle=True, drop_last=True):
    optimizer.zero_grad()
    loss = nn.CrossEntropyLoss()(mnist_model(images), labels)
    loss.backward()
    optimizer.step()

# %% Fashion-MNIST MLP; the flip leaks into the test transform, and no dropout model
flip = transforms.Compose([transforms.RandomHorizontalFlip(), transforms.ToTensor()])
fashion_train = datasets.FashionMNIST("./.data/", train=True, download=True, transform=flip)
fashion_test = datasets.FashionMNIST("./.data/", train=False, download=True, transform=flip)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 256)
        self.fc2 = nn.Linear(256, 128)
        self.fc3 = nn.Linear(128, 10)

    def forward(self, x):
        x = x.view(-1, 784)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


model = Net()
optimizer = optim.SGD(model.parameters(), lr=0.01)
for data, target in DataLoader(fashion_train, batch_size=64, shuffle=True):
    optimizer.zero_grad()
    F.cross_entropy(model(data), target).backward()
    optimizer.step()


# %% MNIST CNN without Dropout2d
class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 10, kernel_size=5)
        self.conv2 = nn.Conv2d(10, 20, kernel_size=5)
        self.fc1 = nn.Linear(320, 50)
        self.fc2 = nn.Linear(50, 10)

    def forward(self, x):
        x = F.relu(F.max_pool2d(self.conv1(x), 2))
        x = F.relu(F.max_pool2d(self.conv2(x), 2))
        x = F.relu(self.fc1(x.view(-1, 320)))
        return self.fc2(x)


cnn = CNN()
cnn_optimizer = optim.SGD(cnn.parameters(), lr=0.01, momentum=0.5)
for data, target in DataLoader(mnist_train, batch_size=64, shuffle=True):
    cnn_optimizer.zero_grad()
    F.cross_entropy(cnn(data), target).backward()
    cnn_optimizer.step()


# %% CIFAR-10: the network is defined but never trained
class CifarNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = x.view(-1, 16 * 5 * 5)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


net = CifarNet()
optimizer = optim.SGD(net.parameters(), lr=0.001, momentum=0.9)
