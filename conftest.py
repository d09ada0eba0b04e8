"""Collection rules for the doctests of the package (``testpaths`` includes ``symbound``)."""

import importlib.util

# torch is optional: the doctests of the torch adapter run only where it is installed
collect_ignore = [] if importlib.util.find_spec("torch") else ["symbound/numeric/frameworks.py"]
