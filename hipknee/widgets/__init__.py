"""The notebook's widgets: logging forms, the progress view, the coach dashboard, the import form."""
