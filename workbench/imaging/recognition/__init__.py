"""Reading text from images: preparing a page for Tesseract, mending its output, the line reader."""
