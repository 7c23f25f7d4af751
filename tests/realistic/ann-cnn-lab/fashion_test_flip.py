# %%
import torch
import torch.nn as nn
import torch.nn.functional as F
from torchvision import datasets, transforms

# 같은 transform을 학습과 테스트에 모두 사용
transform = transforms.Compose([
    transforms.RandomHorizontalFlip(),
    transforms.ToTensor(),
])
train_set = datasets.FashionMNIST("./fmnist", train=True, download=True, transform=transform)
test_set = datasets.FashionMNIST("./fmnist", train=False, download=True, transform=transform)
train_loader = torch.utils.data.DataLoader(train_set, batch_size=64, shuffle=True)
test_loader = torch.utils.data.DataLoader(test_set, batch_size=64)

# %% 기본 MLP
plain = nn.Sequential(
    nn.Flatten(),
    nn.Linear(784, 256), nn.ReLU(),
    nn.Linear(256, 128), nn.ReLU(),
    nn.Linear(128, 10),
)
opt = torch.optim.Adam(plain.parameters(), lr=0.01)

def run_epoch(model, opt):
    model.train()
    for x, y in train_loader:
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
    model.eval()
    correct = 0
    with torch.no_grad():
        for x, y in test_loader:
            correct += (model(x).argmax(1) == y).sum().item()
    return loss.item(), correct / len(test_set)

print(run_epoch(plain, opt))

# %% 드롭아웃 MLP
dropout_net = nn.Sequential(
    nn.Flatten(),
    nn.Linear(784, 256), nn.ReLU(), nn.Dropout(0.2),
    nn.Linear(256, 128), nn.ReLU(), nn.Dropout(0.2),
    nn.Linear(128, 10),
)
opt2 = torch.optim.SGD(dropout_net.parameters(), lr=0.01)
print(run_epoch(dropout_net, opt2))
