"""Official tables as workbooks: read sheets, import them with a profile, export layouts back.

``sheets`` reads xlsx (python-calamine) and CSV into plain string grids; ``profile`` is the
data that says which column means what; ``importer`` turns sheets into layouts and code
tables (every problem named ``sheet!cell``); ``writer`` writes layouts back in a profile's
shape; ``edition`` reads 業務 / 版 / date from a book's file name.
"""
