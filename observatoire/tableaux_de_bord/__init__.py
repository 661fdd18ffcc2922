"""The dashboards, from the stored figures to what one reader sees, in the order they run:

- `tableaux` reads the contract's territories, populations and sums of figures in a fixed number
  of queries;
- `calculs` rolls them up and computes rates, changes and rankings, free of the database;
- `secret` decides what this reader may see of each figure;
- `pages` builds each dashboard's tables, charts and map data;
- `cache` keeps that result until the observatory's data change;
- `exports` writes a table as CSV or XLSX, exactly as shown.
"""
