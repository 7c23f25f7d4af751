# %% [markdown]
# 1-(4)만 풀었습니다. resnet34 대신 작은 CNN으로 CAM을 구현했습니다.

# %%
import torch
import torch.nn as nn

# %%
def class_activation_map(features, classifier, img):
    fmap = features(img).squeeze(0)          # K x h x w
    w = classifier.weight                    # C x K
    maps = (w[:, :, None, None] * fmap[None]).sum(dim=1)
    return maps.detach()

def normalize_cam(maps):
    return maps / maps.amax(dim=(1, 2), keepdim=True)

features = nn.Sequential(nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(), nn.Conv2d(16, 32, 3, padding=1), nn.ReLU())
classifier = nn.Linear(32, 2)
img = torch.randn(1, 3, 32, 32)
camimg = normalize_cam(class_activation_map(features, classifier, img))
print(camimg.shape, camimg.max())
