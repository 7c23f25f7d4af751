# %% [markdown]
# CS231n-style PyTorch assignment, rewritten: Part II weights kept in dicts,
# Part III classes renamed. The challenge was not attempted.

# %%
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
import torchvision.datasets as dset
import torchvision.transforms as T
from torch.utils.data import DataLoader, sampler

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
dtype = torch.float32
NUM_TRAIN = 1500  # 49000 takes too long on my laptop
NUM_VAL = 500

tf = T.Compose([T.ToTensor(), T.Normalize((0.4914, 0.4822, 0.4465), (0.2023, 0.1994, 0.2010))])
train_full = dset.CIFAR10("./datasets", train=True, download=True, transform=tf)
loader_train = DataLoader(train_full, batch_size=64,
                          sampler=sampler.SubsetRandomSampler(range(NUM_TRAIN)))
loader_val = DataLoader(train_full, batch_size=64,
                        sampler=sampler.SubsetRandomSampler(range(NUM_TRAIN, NUM_TRAIN + NUM_VAL)))
loader_test = DataLoader(dset.CIFAR10("./datasets", train=False, download=True, transform=tf),
                         batch_size=64)


# %% Part II
def flatten(x):
    return x.reshape(x.size(0), -1)


def two_layer_fc(x, params):
    h = F.relu(flatten(x) @ params["w1"])
    return h @ params["w2"]


def three_layer_convnet(x, params):
    h = F.relu(F.conv2d(x, params["conv_w1"], params["conv_b1"], padding=2))
    h = F.relu(F.conv2d(h, params["conv_w2"], params["conv_b2"], padding=1))
    return flatten(h) @ params["fc_w"] + params["fc_b"]


def random_weight(shape):
    fan_in = shape[0] if len(shape) == 2 else int(np.prod(shape[1:]))
    return (torch.randn(shape, dtype=dtype, device=device) * (2.0 / fan_in) ** 0.5).requires_grad_()


def zero_weight(shape):
    return torch.zeros(shape, dtype=dtype, device=device, requires_grad=True)


def evaluate_fn(loader, model_fn, params):
    hits = seen = 0
    with torch.no_grad():
        for x, y in loader:
            hits += (model_fn(x.to(device, dtype), params).argmax(1) == y.to(device)).sum().item()
            seen += len(y)
    print(f"accuracy {hits}/{seen} = {100 * hits / seen:.2f}%")
    return hits / seen


def train_part2(model_fn, params, learning_rate):
    for t, (x, y) in enumerate(loader_train):
        loss = F.cross_entropy(model_fn(x.to(device, dtype), params), y.to(device))
        loss.backward()
        with torch.no_grad():
            for w in params.values():
                w -= learning_rate * w.grad
                w.grad.zero_()
        if t % 20 == 0:
            print(f"iter {t} loss {loss.item():.4f}")
    evaluate_fn(loader_val, model_fn, params)


# %%
fc_params = {"w1": random_weight((3 * 32 * 32, 4000)), "w2": random_weight((4000, 10))}
train_part2(two_layer_fc, fc_params, 1e-2)

# %%
conv_params = {
    "conv_w1": random_weight((32, 3, 5, 5)), "conv_b1": zero_weight((32,)),
    "conv_w2": random_weight((16, 32, 3, 3)), "conv_b2": zero_weight((16,)),
    "fc_w": random_weight((16 * 32 * 32, 10)), "fc_b": zero_weight((10,)),
}
train_part2(three_layer_convnet, conv_params, 3e-3)


# %% Part III
class FCNet2(nn.Module):
    def __init__(self, input_size, hidden_size, num_classes):
        super().__init__()
        self.hidden = nn.Linear(input_size, hidden_size)
        self.out = nn.Linear(hidden_size, num_classes)
        for layer in (self.hidden, self.out):
            nn.init.kaiming_normal_(layer.weight)

    def forward(self, x):
        return self.out(F.relu(self.hidden(flatten(x))))


class ConvNet3(nn.Module):
    def __init__(self, in_channel, channel_1, channel_2, num_classes):
        super().__init__()
        self.c1 = nn.Conv2d(in_channel, channel_1, kernel_size=5, padding=2)
        self.c2 = nn.Conv2d(channel_1, channel_2, kernel_size=3, padding=1)
        self.head = nn.Linear(channel_2 * 32 * 32, num_classes)
        for layer in (self.c1, self.c2, self.head):
            nn.init.kaiming_normal_(layer.weight)
            nn.init.zeros_(layer.bias)

    def forward(self, x):
        return self.head(flatten(F.relu(self.c2(F.relu(self.c1(x))))))


def evaluate(loader, model):
    model.eval()
    hits = seen = 0
    with torch.no_grad():
        for x, y in loader:
            hits += (model(x.to(device, dtype)).argmax(1) == y.to(device)).sum().item()
            seen += len(y)
    print(f"accuracy {hits}/{seen} = {100 * hits / seen:.2f}%")
    return hits / seen


def train_part34(model, optimizer, epochs=1):
    model = model.to(device)
    for e in range(epochs):
        for t, (x, y) in enumerate(loader_train):
            model.train()
            loss = F.cross_entropy(model(x.to(device, dtype)), y.to(device))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            if t % 20 == 0:
                print(f"epoch {e} iter {t} loss {loss.item():.4f}")
        evaluate(loader_val, model)


# %%
fc_net = FCNet2(3 * 32 * 32, 4000, 10)
train_part34(fc_net, optim.SGD(fc_net.parameters(), lr=1e-2))

# %%
conv_net = ConvNet3(3, 32, 16, 10)
train_part34(conv_net, optim.SGD(conv_net.parameters(), lr=3e-3))

# %% Part IV
seq_fc = nn.Sequential(nn.Flatten(), nn.Linear(3072, 4000), nn.ReLU(), nn.Linear(4000, 10))
train_part34(seq_fc, optim.SGD(seq_fc.parameters(), lr=1e-2, momentum=0.9, nesterov=True))

# %%
seq_conv = nn.Sequential(
    nn.Conv2d(3, 32, 5, padding=2), nn.ReLU(),
    nn.Conv2d(32, 16, 3, padding=1), nn.ReLU(),
    nn.Flatten(), nn.Linear(16 * 32 * 32, 10),
)
train_part34(seq_conv, optim.SGD(seq_conv.parameters(), lr=1e-2, momentum=0.9, nesterov=True))
