"""``python -m xl_addin.cli``: the same as the console script ``xl-addin``."""
from . import main

main()
