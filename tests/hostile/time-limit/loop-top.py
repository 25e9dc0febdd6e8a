# An endless loop at the top level of a cell. The notebook's time limit stops it.
# assignment: dropout

# %%
while True:
    pass
