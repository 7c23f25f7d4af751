"""Part II (barebones PyTorch) only, as one script."""
import numpy as np
import torch
import torch.nn.functional as F
import torchvision.datasets as dset
import torchvision.transforms as T
from torch.utils.data import DataLoader, sampler

NUM_TRAIN = 1500
dtype = torch.float32
device = torch.device("cpu")
transform = T.Compose([T.ToTensor(),
                       T.Normalize((0.4914, 0.4822, 0.4465), (0.2023, 0.1994, 0.2010))])
train_set = dset.CIFAR10("./cs231n/datasets", train=True, download=True, transform=transform)
loader_train = DataLoader(train_set, batch_size=64,
                          sampler=sampler.SubsetRandomSampler(range(NUM_TRAIN)))
loader_val = DataLoader(train_set, batch_size=64,
                        sampler=sampler.SubsetRandomSampler(range(NUM_TRAIN, 5000)))


def flatten(x):
    return x.view(x.shape[0], -1)


def two_layer_fc(x, params):
    w1, w2 = params
    return F.relu(flatten(x).mm(w1)).mm(w2)


def three_layer_convnet(x, params):
    conv_w1, conv_b1, conv_w2, conv_b2, fc_w, fc_b = params
    h1 = F.relu(F.conv2d(x, conv_w1, conv_b1, stride=1, padding=2))
    h2 = F.relu(F.conv2d(h1, conv_w2, conv_b2, stride=1, padding=1))
    return flatten(h2).mm(fc_w) + fc_b


def random_weight(shape):
    if len(shape) == 2:
        fan_in = shape[0]
    else:
        fan_in = np.prod(shape[1:])
    w = torch.randn(shape, device=device, dtype=dtype) * np.sqrt(2.0 / fan_in)
    w.requires_grad = True
    return w


def zero_weight(shape):
    return torch.zeros(shape, device=device, dtype=dtype, requires_grad=True)


def check_accuracy_part2(loader, model_fn, params):
    correct = total = 0
    with torch.no_grad():
        for x, y in loader:
            correct += (model_fn(x, params).argmax(1) == y).sum().item()
            total += y.size(0)
    print("val accuracy: %.2f%%" % (100.0 * correct / total))


def train_part2(model_fn, params, learning_rate):
    for t, (x, y) in enumerate(loader_train):
        loss = F.cross_entropy(model_fn(x, params), y)
        loss.backward()
        with torch.no_grad():
            for w in params:
                w -= learning_rate * w.grad
                w.grad.zero_()
        if t % 25 == 0:
            print("Iteration %d, loss = %.4f" % (t, loss.item()))
    check_accuracy_part2(loader_val, model_fn, params)


x = torch.zeros((64, 50), dtype=dtype)
w1 = zero_weight((50, 42))
w2 = zero_weight((42, 10))
print(two_layer_fc(x, [w1, w2]).size())

w1 = random_weight((3 * 32 * 32, 4000))
w2 = random_weight((4000, 10))
train_part2(two_layer_fc, [w1, w2], 1e-2)

conv_w1 = random_weight((32, 3, 5, 5))
conv_b1 = zero_weight((32,))
conv_w2 = random_weight((16, 32, 3, 3))
conv_b2 = zero_weight((16,))
fc_w = random_weight((16 * 32 * 32, 10))
fc_b = zero_weight((10,))
train_part2(three_layer_convnet, [conv_w1, conv_b1, conv_w2, conv_b2, fc_w, fc_b], 3e-3)
