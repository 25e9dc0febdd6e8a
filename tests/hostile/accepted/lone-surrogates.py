# Prints, writes and raises lone UTF-16 surrogates, which UTF-8 cannot encode: a student may,
# so it costs nothing (its page, result file and gradebook row are still written).
# assignment: dropout

# %% first
import sys

print("\ud800 before")
sys.stdout.write("\udc80\n")
sys.stderr.write("\ud83d\ude00 a pair is a character\n")

# %%
raise ValueError("\udfff")
