"""The printed reports: what each chapter shows and the PDF through WeasyPrint."""
