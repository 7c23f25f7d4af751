# %%
# Q3 (1), (2), (4). Conv stack with one more conv layer; Adam; BatchNorm.
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
import torchvision
import torchvision.transforms as transforms

tfm = transforms.Compose([transforms.ToTensor(),
                          transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))])
trainset = torchvision.datasets.CIFAR10(root="./data", train=True, download=True, transform=tfm)
testset = torchvision.datasets.CIFAR10(root="./data", train=False, download=True, transform=tfm)
trainloader = torch.utils.data.DataLoader(trainset, batch_size=64, shuffle=True)
testloader = torch.utils.data.DataLoader(testset, batch_size=200)


def train_one_epoch(net, optimizer):
    criterion = nn.CrossEntropyLoss()
    for i, (x, y) in enumerate(trainloader):
        optimizer.zero_grad()
        loss = criterion(net(x), y)
        loss.backward()
        optimizer.step()
        if i % 20 == 0:
            print(i, round(loss.item(), 3))


def accuracy(net):
    net.eval()
    right = seen = 0
    with torch.no_grad():
        for x, y in testloader:
            right += (net(x).argmax(1) == y).sum().item()
            seen += y.size(0)
    net.train()
    return right / seen


# %%
class DeepConv(nn.Module):
    """CONV-CONV-RELU-POOL-CONV-CONV-CONV-RELU-POOL-FC"""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 32, 3, padding=1)
        self.conv2 = nn.Conv2d(32, 32, 3, padding=1)
        self.conv3 = nn.Conv2d(32, 32, 3, padding=1)
        self.conv4 = nn.Conv2d(32, 32, 3, padding=1)
        self.conv5 = nn.Conv2d(32, 32, 3, padding=1)
        self.fc = nn.Linear(32 * 8 * 8, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv2(self.conv1(x))), 2)
        x = F.max_pool2d(F.relu(self.conv5(self.conv4(self.conv3(x)))), 2)
        return self.fc(x.flatten(1))


deep = DeepConv()
train_one_epoch(deep, optim.SGD(deep.parameters(), lr=0.01, momentum=0.9))
print("deep conv accuracy", accuracy(deep))


# %%
class Net(nn.Module):
    def __init__(self, bn=False):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.bn1 = nn.BatchNorm2d(6) if bn else nn.Identity()
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.bn2 = nn.BatchNorm2d(16) if bn else nn.Identity()
        self.fc1 = nn.Linear(400, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
        x = F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 2)
        x = x.view(x.size(0), -1)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


adam_net = Net()
adam_opt = optim.Adam(adam_net.parameters(), lr=0.01)
train_one_epoch(adam_net, adam_opt)
print("adam accuracy", accuracy(adam_net))

# %%
bn_net = Net(bn=True)
train_one_epoch(bn_net, optim.SGD(bn_net.parameters(), lr=0.01, momentum=0.9))
print("batchnorm accuracy", accuracy(bn_net))
