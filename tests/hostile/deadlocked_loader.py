# %%
import threading
import torch
from torch.utils.data import DataLoader, Dataset


class Stuck(Dataset):
    def __len__(self):
        return 100

    def __getitem__(self, index):
        threading.Event().wait()  # never set: every worker blocks


for batch in DataLoader(Stuck(), batch_size=4, num_workers=2):
    pass
