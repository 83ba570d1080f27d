"""Importers for the records (台账) staff keep in Excel workbooks and CSV files."""
