"""Suite-wide test settings."""
from hypothesis import settings

# CI runs on a shared 2-core machine: an example that is slow once is not a failure. Timing is
# measured by `make bench`, never by tests.
settings.register_profile("xl_addin", deadline=None)
settings.load_profile("xl_addin")
