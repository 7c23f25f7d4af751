# %%
# Parts II and III. (Kaiming fan-in taken from the first dimension for every shape;
# the ThreeLayerConvNet module skips the second ReLU.)
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
import torchvision.datasets as dset
import torchvision.transforms as T
from torch.utils.data import DataLoader, sampler

NUM_TRAIN = 1500
transform = T.Compose([T.ToTensor(),
                       T.Normalize((0.4914, 0.4822, 0.4465), (0.2023, 0.1994, 0.2010))])
cifar10_train = dset.CIFAR10('./cs231n/datasets', train=True, download=True, transform=transform)
loader_train = DataLoader(cifar10_train, batch_size=64,
                          sampler=sampler.SubsetRandomSampler(range(NUM_TRAIN)))
loader_val = DataLoader(cifar10_train, batch_size=64,
                        sampler=sampler.SubsetRandomSampler(range(NUM_TRAIN, 5000)))
dtype = torch.float32
device = torch.device('cpu')
print_every = 100


# %%
def flatten(x):
    N = x.shape[0]
    return x.view(N, -1)


def two_layer_fc(x, params):
    x = flatten(x)
    w1, w2 = params
    return F.relu(x.mm(w1)).mm(w2)


def three_layer_convnet(x, params):
    conv_w1, conv_b1, conv_w2, conv_b2, fc_w, fc_b = params
    x = F.relu(F.conv2d(x, conv_w1, conv_b1, padding=2))
    x = F.relu(F.conv2d(x, conv_w2, conv_b2, padding=1))
    return flatten(x).mm(fc_w) + fc_b


def random_weight(shape):
    fan_in = shape[0]
    w = torch.randn(shape, device=device, dtype=dtype) * np.sqrt(2. / fan_in)
    w.requires_grad = True
    return w


def zero_weight(shape):
    return torch.zeros(shape, device=device, dtype=dtype, requires_grad=True)


def check_accuracy_part2(loader, model_fn, params):
    num_correct, num_samples = 0, 0
    with torch.no_grad():
        for x, y in loader:
            preds = model_fn(x.to(device=device, dtype=dtype), params).argmax(1)
            num_correct += (preds == y).sum().item()
            num_samples += preds.size(0)
    print('Got %d / %d correct (%.2f%%)' % (num_correct, num_samples,
                                           100 * num_correct / num_samples))


def train_part2(model_fn, params, learning_rate):
    for t, (x, y) in enumerate(loader_train):
        scores = model_fn(x.to(device=device, dtype=dtype), params)
        loss = F.cross_entropy(scores, y)
        loss.backward()
        with torch.no_grad():
            for w in params:
                w -= learning_rate * w.grad
                w.grad.zero_()
        if t % print_every == 0:
            print('Iteration %d, loss = %.4f' % (t, loss.item()))
    check_accuracy_part2(loader_val, model_fn, params)


# %%
w1 = random_weight((3 * 32 * 32, 4000))
w2 = random_weight((4000, 10))
train_part2(two_layer_fc, [w1, w2], 1e-2)

# %%
conv_w1 = random_weight((32, 3, 5, 5))
conv_b1 = zero_weight((32,))
conv_w2 = random_weight((16, 32, 3, 3))
conv_b2 = zero_weight((16,))
fc_w = random_weight((16 * 32 * 32, 10))
fc_b = zero_weight((10,))
params = [conv_w1, conv_b1, conv_w2, conv_b2, fc_w, fc_b]
train_part2(three_layer_convnet, params, 3e-3)


# %% Part III
class ThreeLayerConvNet(nn.Module):
    def __init__(self, in_channel, channel_1, channel_2, num_classes):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channel, channel_1, 5, padding=2)
        self.conv2 = nn.Conv2d(channel_1, channel_2, 3, padding=1)
        self.fc = nn.Linear(channel_2 * 32 * 32, num_classes)
        nn.init.kaiming_normal_(self.conv1.weight)
        nn.init.kaiming_normal_(self.conv2.weight)
        nn.init.kaiming_normal_(self.fc.weight)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = self.conv2(x)
        return self.fc(flatten(x))


def check_accuracy_part34(loader, model):
    model.eval()
    num_correct = num_samples = 0
    with torch.no_grad():
        for x, y in loader:
            preds = model(x.to(device=device, dtype=dtype)).argmax(1)
            num_correct += (preds == y).sum().item()
            num_samples += preds.size(0)
    print('Got %d / %d correct (%.2f)' % (num_correct, num_samples,
                                         100 * num_correct / num_samples))


def train_part34(model, optimizer, epochs=1):
    for e in range(epochs):
        for t, (x, y) in enumerate(loader_train):
            model.train()
            loss = F.cross_entropy(model(x.to(device=device, dtype=dtype)), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            if t % print_every == 0:
                print('Iteration %d, loss = %.4f' % (t, loss.item()))
        check_accuracy_part34(loader_val, model)


# %%
model = ThreeLayerConvNet(3, 32, 16, 10)
optimizer = optim.SGD(model.parameters(), lr=3e-3)
train_part34(model, optimizer)
