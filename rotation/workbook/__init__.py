"""The loader floor: the workbook contract (schema) and reading it into the domain."""
