from tui.cli import main

# The guard matters: the index's worker processes import this module again.
if __name__ == "__main__":
    raise SystemExit(main())
