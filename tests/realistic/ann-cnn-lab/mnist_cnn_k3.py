# %%
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torchvision import datasets, transforms

# %% 퍼셉트론 (입력을 먼저 받도록 작성)
def tau(s):
    return 1 if s >= 0 else -1

def perceptron(x, w):
    s = w[0] + np.dot(w[1:], x)
    return tau(s)

w_or = np.array([-0.5, 1.0, 1.0])
or_outputs = [perceptron(np.array(x), w_or) for x in [(0, 0), (0, 1), (1, 0), (1, 1)]]
print(or_outputs)

# %% MNIST CNN (3x3 커널로 바꿔서 실험)
tf = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])
train_loader = torch.utils.data.DataLoader(datasets.MNIST('./data', train=True, download=True, transform=tf),
                                           batch_size=64, shuffle=True)
test_loader = torch.utils.data.DataLoader(datasets.MNIST('./data', train=False, transform=tf), batch_size=1000)

class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 10, kernel_size=3)
        self.conv2 = nn.Conv2d(10, 20, kernel_size=3)
        self.drop = nn.Dropout2d()
        self.fc1 = nn.Linear(20 * 5 * 5, 50)
        self.fc2 = nn.Linear(50, 10)

    def forward(self, x):
        x = F.relu(F.max_pool2d(self.conv1(x), 2))
        x = F.relu(F.max_pool2d(self.drop(self.conv2(x)), 2))
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.dropout(x, training=self.training)
        return self.fc2(x)

cnn = CNN()
optimizer = torch.optim.SGD(cnn.parameters(), lr=0.01, momentum=0.5)

# %%
cnn.train()
for data, target in train_loader:
    optimizer.zero_grad()
    loss = F.cross_entropy(cnn(data), target)
    loss.backward()
    optimizer.step()
cnn.eval()
correct = 0
with torch.no_grad():
    for data, target in test_loader:
        correct += (cnn(data).argmax(1) == target).sum().item()
print("accuracy", correct / len(test_loader.dataset))
