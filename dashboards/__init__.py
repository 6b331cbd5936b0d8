"""The leader friction dashboard: overview, heatmap, trends, friction, exports, digest."""
