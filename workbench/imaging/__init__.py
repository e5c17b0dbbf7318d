"""Pure functions over page arrays shared by checks: forensic maps, JPEG structure, geometry.

In the manner of scikit-image: inputs and outputs are NumPy arrays with documented shapes,
dtypes and ranges; nothing here knows about documents, findings or the context.
"""
