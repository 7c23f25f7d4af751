# %%
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torchvision import datasets, transforms

# %%
transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])
train_set = datasets.MNIST(root="./mnist", train=True, download=True, transform=transform)
test_set = datasets.MNIST(root="./mnist", train=False, download=True, transform=transform)
train_loader = torch.utils.data.DataLoader(train_set, batch_size=32, shuffle=True)
test_loader = torch.utils.data.DataLoader(test_set, batch_size=32)

# %% 이미지 하나 확인
dataiter = iter(train_loader)
images, labels = dataiter.next()
print(images.shape, labels[:8])

# %%
class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 10, kernel_size=5)
        self.conv2 = nn.Conv2d(10, 20, kernel_size=5)
        self.conv2_drop = nn.Dropout2d()
        self.fc1 = nn.Linear(320, 50)
        self.fc2 = nn.Linear(50, 10)

    def forward(self, x):
        x = F.relu(F.max_pool2d(self.conv1(x), 2))
        x = F.relu(F.max_pool2d(self.conv2_drop(self.conv2(x)), 2))
        x = x.view(-1, 320)
        x = F.relu(self.fc1(x))
        x = F.dropout(x, training=self.training)
        x = self.fc2(x)
        return F.log_softmax(x, dim=0)

model = Net()
optimizer = optim.SGD(model.parameters(), lr=0.01)

# %%
def fit(epoch, model, data_loader, phase="training"):
    model.train() if phase == "training" else model.eval()
    total_loss, correct = 0.0, 0
    for data, target in data_loader:
        output = model(data)
        loss = F.nll_loss(output, target)
        if phase == "training":
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        total_loss += loss.item() * data.size(0)
        correct += (output.argmax(1) == target).sum().item()
    n = len(data_loader.dataset)
    print(epoch, phase, total_loss / n, 100.0 * correct / n)
    return total_loss / n, 100.0 * correct / n

for epoch in range(1, 2):
    fit(epoch, model, train_loader, "training")
    fit(epoch, model, test_loader, "validation")
