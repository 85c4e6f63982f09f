"""One module per workbook kind; each knows its sheets, headers and settings."""
