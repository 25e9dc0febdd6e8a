# Shell escapes and magics: !cmd, %%bash, %system, get_ipython().system and getoutput, plus
# os.system and subprocess from Python. None may touch anything outside its folder.
# assignment: dropout

# %%
!touch @OUTSIDE@/@TAG@-bang ~/@TAG@-bang

# %%
%%bash
touch @OUTSIDE@/@TAG@-cellmagic

# %%
%system touch @OUTSIDE@/@TAG@-linemagic

# %%
get_ipython().system("touch @OUTSIDE@/@TAG@-system")

# %%
get_ipython().getoutput("touch @OUTSIDE@/@TAG@-getoutput")

# %%
import os
import subprocess

print(os.system("touch @OUTSIDE@/@TAG@-ossystem /tmp/@TAG@-ossystem ~/@TAG@-ossystem"))
print(subprocess.run(["sh", "-c", "echo pwned > @OUTSIDE@/victim.txt"]).returncode)
