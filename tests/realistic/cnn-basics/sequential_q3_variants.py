# %% [markdown]
# 3번: 조건을 만족하는 CNN과 2번 신경망의 변형들 (nn.Sequential 로 작성)

# %%
import torch
import torch.nn as nn
import torch.optim as optim
import torchvision
import torchvision.transforms as T

torch.manual_seed(1)
norm = T.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))
plain = T.Compose([T.ToTensor(), norm])
flipped = T.Compose([T.RandomHorizontalFlip(p=0.5), T.ToTensor(), norm])

train_plain = torchvision.datasets.CIFAR10("./data", train=True, download=True, transform=plain)
train_flip = torchvision.datasets.CIFAR10("./data", train=True, download=True, transform=flipped)
test_set = torchvision.datasets.CIFAR10("./data", train=False, download=True, transform=plain)
test_loader = torch.utils.data.DataLoader(test_set, batch_size=256)


def tutorial_net(batch_norm=False, log_out=False):
    """2번 신경망 (conv 6 5x5 - pool - conv 16 5x5 - pool - fc 120 - fc 84 - fc 10)."""
    layers = [nn.Conv2d(3, 6, 5)]
    if batch_norm:
        layers.append(nn.BatchNorm2d(6))
    layers += [nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5)]
    if batch_norm:
        layers.append(nn.BatchNorm2d(16))
    layers += [nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
               nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10)]
    if log_out:
        layers.append(nn.LogSoftmax(dim=1))
    return nn.Sequential(*layers)


def fit(model, opt, loss_fn, dataset, epochs=1):
    loader = torch.utils.data.DataLoader(dataset, batch_size=32, shuffle=True)
    for ep in range(epochs):
        total = 0.0
        for k, (xb, yb) in enumerate(loader):
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            total += loss.item()
            if k % 50 == 49:
                print(f"epoch {ep + 1} step {k + 1}: loss {total / 50:.3f}")
                total = 0.0


def test_accuracy(model):
    model.eval()
    hit = n = 0
    with torch.no_grad():
        for xb, yb in test_loader:
            hit += (model(xb).argmax(1) == yb).sum().item()
            n += len(yb)
    model.train()
    return hit / n


# %% (1) INPUT-CONV-CONV-RELU-POOL-CONV-CONV-RELU-POOL-FC
cnn = nn.Sequential(
    nn.Conv2d(3, 32, 3), nn.Conv2d(32, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(32, 32, 3), nn.Conv2d(32, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(32 * 5 * 5, 10),
)
opt_cnn = optim.SGD(cnn.parameters(), lr=0.01, momentum=0.9)
fit(cnn, opt_cnn, nn.CrossEntropyLoss(), train_plain)
print("(1) accuracy", test_accuracy(cnn))

# %% (2) Adam, 기본 하이퍼파라미터
adam_net = tutorial_net()
opt_adam = optim.Adam(adam_net.parameters(), lr=0.001, betas=(0.9, 0.999), eps=1e-08)
fit(adam_net, opt_adam, nn.CrossEntropyLoss(), train_plain)
print("(2) accuracy", test_accuracy(adam_net))

# %% (3) 데이터 확대: 좌우 뒤집기 (학습 데이터에만)
aug_net = tutorial_net()
opt_aug = optim.SGD(aug_net.parameters(), lr=0.01, momentum=0.9)
fit(aug_net, opt_aug, nn.CrossEntropyLoss(), train_flip)
print("(3) accuracy", test_accuracy(aug_net))

# %% (4) 배치 정규화
bn_net = tutorial_net(batch_norm=True)
opt_bn = optim.SGD(bn_net.parameters(), lr=0.01, momentum=0.9)
fit(bn_net, opt_bn, nn.CrossEntropyLoss(), train_plain)
print("(4) accuracy", test_accuracy(bn_net))

# %% (5) 로그우도 손실: LogSoftmax + NLLLoss
ll_net = tutorial_net(log_out=True)
opt_ll = optim.SGD(ll_net.parameters(), lr=0.01, momentum=0.9)
fit(ll_net, opt_ll, nn.NLLLoss(), train_plain)
print("(5) accuracy", test_accuracy(ll_net))

# %% (6) L2 놈: weight_decay
l2_net = tutorial_net()
opt_l2 = optim.SGD(l2_net.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4)
fit(l2_net, opt_l2, nn.CrossEntropyLoss(), train_plain)
print("(6) accuracy", test_accuracy(l2_net))
