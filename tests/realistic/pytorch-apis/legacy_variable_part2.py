# %%
# 2017-style Part II (Variable, torch.FloatTensor), flatten written for CIFAR images only.
import numpy as np
import torch
from torch.autograd import Variable
import torch.nn.functional as F
import torchvision.datasets as dset
import torchvision.transforms as T
from torch.utils.data import DataLoader, sampler

NUM_TRAIN = 1500
dtype = torch.FloatTensor
transform = T.Compose([T.ToTensor(),
                       T.Normalize((0.4914, 0.4822, 0.4465), (0.2023, 0.1994, 0.2010))])
cifar10_train = dset.CIFAR10('./cs231n/datasets', train=True, download=True, transform=transform)
loader_train = DataLoader(cifar10_train, batch_size=64,
                          sampler=sampler.SubsetRandomSampler(range(NUM_TRAIN)))


# %%
def flatten(x):
    return x.view(-1, 3 * 32 * 32)


def two_layer_fc(x, params):
    w1, w2 = params
    x = flatten(x)
    return F.relu(x.mm(w1)).mm(w2)


def three_layer_convnet(x, params):
    conv_w1, conv_b1, conv_w2, conv_b2, fc_w, fc_b = params
    x = F.relu(F.conv2d(x, conv_w1, conv_b1, padding=2))
    x = F.relu(F.conv2d(x, conv_w2, conv_b2, padding=1))
    x = x.view(x.size(0), -1)
    return x.mm(fc_w) + fc_b


def random_weight(shape):
    fan_in = shape[0] if len(shape) == 2 else np.prod(shape[1:])
    w = torch.randn(*shape).type(dtype) * np.sqrt(2. / fan_in)
    return Variable(w, requires_grad=True)


def zero_weight(shape):
    return Variable(torch.zeros(*shape).type(dtype), requires_grad=True)


def train_part2(model_fn, params, learning_rate):
    for t, (x, y) in enumerate(loader_train):
        x_var, y_var = Variable(x.type(dtype)), Variable(y.long())
        loss = F.cross_entropy(model_fn(x_var, params), y_var)
        loss.backward()
        for w in params:
            w.data -= learning_rate * w.grad.data
            w.grad.data.zero_()
        if t % 20 == 0:
            print('t = %d, loss = %.4f' % (t, loss.data[0]))


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
train_part2(three_layer_convnet, [conv_w1, conv_b1, conv_w2, conv_b2, fc_w, fc_b], 3e-3)
