# %%
!pip install requests
%pip install six

# %%
import subprocess
import sys

subprocess.run([sys.executable, "-m", "pip", "install", "--no-index", "dlgrade-hostile"], check=True)

# %%
import os
os.system("pip install six > /dev/null 2>&1")
