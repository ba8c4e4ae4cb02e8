"""Allow ``python -m pipeline``, the same as the ``bilingual`` command."""

from .entry import main

if __name__ == "__main__":
    main()
