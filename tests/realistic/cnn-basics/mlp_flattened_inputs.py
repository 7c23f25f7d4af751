"""CIFAR-10 classifier (Q2) with a fully connected network on flattened images."""
import torch
import torch.nn as nn
import torch.optim as optim
import torchvision
import torchvision.transforms as transforms

tf = transforms.Compose([transforms.ToTensor(),
                         transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))])
train_data = torchvision.datasets.CIFAR10("./data", train=True, download=True, transform=tf)
test_data = torchvision.datasets.CIFAR10("./data", train=False, download=True, transform=tf)
train_loader = torch.utils.data.DataLoader(train_data, batch_size=32, shuffle=True)
test_loader = torch.utils.data.DataLoader(test_data, batch_size=100)


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(3 * 32 * 32, 256)
        self.fc2 = nn.Linear(256, 128)
        self.fc3 = nn.Linear(128, 10)

    def forward(self, x):
        x = x.view(x.size(0), -1)
        x = torch.relu(self.fc1(x))
        x = torch.relu(self.fc2(x))
        return self.fc3(x)


model = MLP()
loss_fn = nn.CrossEntropyLoss()
opt = optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

for epoch in range(2):
    for step, (images, labels) in enumerate(train_loader):
        opt.zero_grad()
        loss = loss_fn(model(images), labels)
        loss.backward()
        opt.step()
        if step % 50 == 0:
            print(f"epoch {epoch} step {step} loss {loss.item():.3f}")

correct = total = 0
per_class_hit = torch.zeros(10)
per_class_n = torch.zeros(10)
with torch.no_grad():
    for images, labels in test_loader:
        pred = model(images).argmax(dim=1)
        correct += (pred == labels).sum().item()
        total += labels.numel()
        for c in range(10):
            per_class_n[c] += (labels == c).sum()
            per_class_hit[c] += ((labels == c) & (pred == c)).sum()
print("test accuracy: %.1f %%" % (100 * correct / total))
print("per class:", (per_class_hit / per_class_n.clamp(min=1)).tolist())
