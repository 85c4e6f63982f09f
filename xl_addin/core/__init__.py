"""Pure domain core: no files, no Excel, no clock, no printing."""
