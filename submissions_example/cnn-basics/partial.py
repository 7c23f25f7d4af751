# cnn-basics homework, written as a module with `# %%` cells.
# Q1 is right except the optimizer's learning rate; Q3 (1) misses a convolution;
# Q3 (3) augments the test set too; Q3 (2), (5), (6) are missing; Q4 forgets the
# exponential; Q5's cross-entropy uses log base 10.

# %%
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
import torchvision.transforms as transforms


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.view(x.size(0), -1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


net = Net()
print(net)

# %%
input = torch.randn(1, 1, 32, 32)
target = torch.randn(1, 10)
criterion = nn.MSELoss()
output = net(input)
loss = criterion(output, target)
print(loss)

# %%
net.zero_grad()
print("conv1.bias.grad before backward")
print(net.conv1.bias.grad)
loss.backward()
print("conv1.bias.grad after backward")
print(net.conv1.bias.grad)

# %%
optimizer = optim.SGD(net.parameters(), lr=0.1)
optimizer.zero_grad()
loss = criterion(net(input), target)
loss.backward()
optimizer.step()


# %% Q3 (1): only three convolutions
class SmallCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 32, 3, padding=1)
        self.conv2 = nn.Conv2d(32, 32, 3, padding=1)
        self.conv3 = nn.Conv2d(32, 32, 3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(32 * 8 * 8, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv2(self.conv1(x))))
        x = self.pool(F.relu(self.conv3(x)))
        return self.fc(x.flatten(1))


small_cnn = SmallCNN()

# %% Q3 (3): the flip is applied to the test images as well
augment = transforms.Compose([transforms.RandomHorizontalFlip(), transforms.ToTensor()])
transform_train = augment
transform_test = augment

# %% Q4
x = torch.tensor([0.4, 2.0, 0.001, 0.32])
softmax_q4 = x / x.sum()
print(softmax_q4)

# %% Q5
o = torch.tensor([0.001, 0.9, 0.001, 0.098])
y = torch.tensor([0.0, 0.0, 0.0, 1.0])
mse = ((o - y) ** 2).sum() / 2
cross_entropy = -(y * torch.log10(o)).sum()
log_likelihood = -torch.log(o[3])
