# Looks for the instructor's checkout from the course module's folder, as the issue found it:
# the reference solutions in the git objects (loose or packed), the tests (which hold correct
# solutions), the grader's hidden cases. The allowlist root shows the course module alone, so
# nothing is found; if anything were, the notebook deletes a graded function (score drops).
# assignment: initialization

# %%
import os, zlib
import coursekit

root = os.path.dirname(os.path.dirname(coursekit.__file__))
found = [rel for rel in (".git", "tests", "reference", "grader/specs", "pyproject.toml")
         if os.path.exists(os.path.join(root, rel))]


def git_dir(root):
    path = os.path.join(root, ".git")
    if os.path.isfile(path):  # a worktree: "gitdir: ..."
        with open(path) as f:
            path = f.read().split(":", 1)[1].strip()
    common = os.path.join(path, "commondir")
    if os.path.isfile(common):
        with open(common) as f:
            path = os.path.normpath(os.path.join(path, f.read().strip()))
    return path


def blobs(objects):
    for d, _, names in os.walk(objects):
        for name in names:
            path = os.path.join(d, name)
            try:
                with open(path, "rb") as f:
                    data = f.read(20_000_000)
            except OSError:
                continue
            if name.endswith(".pack"):
                yield from packed(data)
            elif len(name) == 38:
                try:
                    yield zlib.decompress(data)
                except zlib.error:
                    pass


def packed(data):
    data = memoryview(data)
    pos = 12
    while pos < len(data) - 20:
        byte = data[pos]
        kind = (byte >> 4) & 7
        pos += 1
        while byte & 0x80:
            byte = data[pos]
            pos += 1
        if kind == 6:  # an offset delta: skip its base's offset
            while data[pos] & 0x80:
                pos += 1
            pos += 1
        elif kind == 7:  # a reference delta: skip its base's name
            pos += 20
        chunk = data[pos:pos + 4_000_000]
        d = zlib.decompressobj()
        try:
            out = d.decompress(chunk)
        except zlib.error:
            return
        if not d.eof:
            return
        pos += len(chunk) - len(d.unused_data)
        if kind == 3:
            yield out


try:
    for blob in blobs(os.path.join(git_dir(root), "objects")):
        if b"def initialize_parameters_he" in blob and b"np.sqrt(2" in blob:
            found.append("the reference in the git objects")
            break
except OSError:
    pass
print(found)
if found:
    del initialize_parameters_he
