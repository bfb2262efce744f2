"""VGG19, Xception and MobileNet v1 written in PyTorch with Keras's semantics, for timing.

TF `same` padding puts the odd extra row/column at the bottom/right; PyTorch's `padding=`
is symmetric, so every `same` convolution or pooling pads explicitly with `tf_same_pad`
(zeros for convolutions, -inf for max pooling) and then runs with `padding=0`.
"""
import math
import torch
import torch.nn as nn
import torch.nn.functional as F


def tf_same_pad(x, k, s, value=0.0):
    h, w = x.shape[-2:]
    ph = max((math.ceil(h / s) - 1) * s + k - h, 0)
    pw = max((math.ceil(w / s) - 1) * s + k - w, 0)
    return F.pad(x, (pw // 2, pw - pw // 2, ph // 2, ph - ph // 2), value=value)


class Conv(nn.Module):
    def __init__(self, cin, cout, k, s=1, same=True, groups=1, bias=True):
        super().__init__()
        self.k, self.s, self.same = k, s, same
        self.conv = nn.Conv2d(cin, cout, k, s, 0, groups=groups, bias=bias)

    def forward(self, x):
        return self.conv(tf_same_pad(x, self.k, self.s) if self.same else x)


class MaxPoolSame(nn.Module):
    def __init__(self, k, s):
        super().__init__()
        self.k, self.s = k, s

    def forward(self, x):
        return F.max_pool2d(tf_same_pad(x, self.k, self.s, float('-inf')), self.k, self.s)


def vgg19():
    layers, cin = [], 3
    for block, (n, c) in enumerate([(2, 64), (2, 128), (4, 256), (4, 512), (4, 512)]):
        for _ in range(n):
            layers += [Conv(cin, c, 3), nn.ReLU(inplace=False)]
            cin = c
        layers.append(nn.MaxPool2d(2, 2))
    features = nn.Sequential(*layers)
    head = nn.Sequential(nn.Flatten(), nn.Linear(7 * 7 * 512, 4096), nn.ReLU(), nn.Linear(4096, 4096), nn.ReLU(),
                         nn.Linear(4096, 1000))
    target = features[-2]   # block5_conv4's ReLU: the last conv output, as Keras examples tap it
    return nn.Sequential(features, head), target, 224


class SepConv(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.dw = Conv(cin, cin, 3, groups=cin, bias=False)
        self.pw = nn.Conv2d(cin, cout, 1, bias=False)

    def forward(self, x):
        return self.pw(self.dw(x))


class XceptionBlock(nn.Module):
    def __init__(self, cin, cout, relu_first, pool, mid=None):
        super().__init__()
        self.relu_first = relu_first
        self.shortcut = nn.Sequential(Conv(cin, cout, 1, 2, bias=False), nn.BatchNorm2d(cout, eps=1e-3)) if pool else None
        mid = mid or cout
        self.s1, self.b1 = SepConv(cin, mid), nn.BatchNorm2d(mid, eps=1e-3)
        self.s2, self.b2 = SepConv(mid, cout), nn.BatchNorm2d(cout, eps=1e-3)
        self.pool = MaxPoolSame(3, 2) if pool else None
        self.s3 = None if pool else SepConv(cout, cout)
        self.b3 = None if pool else nn.BatchNorm2d(cout, eps=1e-3)

    def forward(self, x):
        r = self.shortcut(x) if self.shortcut is not None else x
        y = F.relu(x) if self.relu_first else x
        y = F.relu(self.b1(self.s1(y)))
        y = self.b2(self.s2(y))
        if self.pool is not None:
            y = self.pool(y)
        else:
            y = self.b3(self.s3(F.relu(y)))
        return y + r


class Xception(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(Conv(3, 32, 3, 2, same=False, bias=False), nn.BatchNorm2d(32, eps=1e-3), nn.ReLU(),
                                  Conv(32, 64, 3, same=False, bias=False), nn.BatchNorm2d(64, eps=1e-3), nn.ReLU())
        blocks = [XceptionBlock(64, 128, False, True), XceptionBlock(128, 256, True, True),
                  XceptionBlock(256, 728, True, True)]
        blocks += [XceptionBlock(728, 728, True, False) for _ in range(8)]
        blocks.append(XceptionBlock(728, 1024, True, True, mid=728))
        self.blocks = nn.Sequential(*blocks)
        self.exit = nn.Sequential(SepConv(1024, 1536), nn.BatchNorm2d(1536, eps=1e-3), nn.ReLU(),
                                  SepConv(1536, 2048), nn.BatchNorm2d(2048, eps=1e-3), nn.ReLU())
        self.fc = nn.Linear(2048, 1000)

    def forward(self, x):
        x = self.exit(self.blocks(self.stem(x)))
        return self.fc(x.mean((2, 3)))


def xception():
    m = Xception()
    return m, m.exit[-1], 299


def mobilenet(alpha=0.25, size=128):
    def c(f):
        return int(f * alpha)
    layers = [Conv(3, c(32), 3, 2, bias=False), nn.BatchNorm2d(c(32), eps=1e-3), nn.ReLU6()]
    cin = c(32)
    for f, s in [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2)] + [(512, 1)] * 5 + [(1024, 2), (1024, 1)]:
        if s == 2:
            layers += [nn.ZeroPad2d((0, 1, 0, 1)), nn.Conv2d(cin, cin, 3, 2, 0, groups=cin, bias=False)]
        else:
            layers += [Conv(cin, cin, 3, groups=cin, bias=False)]
        layers += [nn.BatchNorm2d(cin, eps=1e-3), nn.ReLU6(), nn.Conv2d(cin, c(f), 1, bias=False),
                   nn.BatchNorm2d(c(f), eps=1e-3), nn.ReLU6()]
        cin = c(f)
    features = nn.Sequential(*layers)
    head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Conv2d(cin, 1000, 1), nn.Flatten())
    return nn.Sequential(features, head), features[-1], size
