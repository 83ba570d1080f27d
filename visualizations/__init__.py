"""Pages drawn from the graph: the interactive network map (pyvis)."""
