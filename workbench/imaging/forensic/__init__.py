"""Pixel-forensic maps: where a page's compression, noise, print or content disagrees with itself.

Each module takes page arrays and returns maps, regions and scores; `tamper` runs them all and
`fusion` fuses their maps into one heatmap.
"""
