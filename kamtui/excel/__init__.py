"""The only code that touches openpyxl: reading sheets for import, writing workbooks for export."""
