"""Page layout from the pixels: templates, registration, columns, seals, signatures, letterheads."""
