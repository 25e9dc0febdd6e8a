# With tmp-race-b: both write the same name in /tmp at once and expect to read their own text
# back when graded. Each submission has a /tmp of its own, so neither sees the other's.
# assignment: dropout

# %%
import time
with open("/tmp/@MARK@-race.txt", "w") as f:
    f.write("a")
time.sleep(1.5)

# %%
_forward_a = forward_propagation_with_dropout
def forward_propagation_with_dropout(X, parameters, keep_prob=0.5):
    with open("/tmp/@MARK@-race.txt") as f:
        if f.read() != "a":
            return None
    return _forward_a(X, parameters, keep_prob)
