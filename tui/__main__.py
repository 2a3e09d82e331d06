from tui.launch import run

# `python -m tui` is the same command as `newsroom` (the SSH and web servers start visitors' apps this way).
if __name__ == "__main__":
    run()
