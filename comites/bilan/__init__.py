"""The annual review (bilan) that the comité d'évaluation adopts, in the order a review is made:

- `calcul`: its computed parts from the platform's data, as plain JSON (what adoption freezes);
- `affichage`: the review as one reader may see it (tables with secrecy applied, charts), shared by
  the page, the printable page, the PDF and the workbook;
- `graphiques`: the charts, drawn on the server as SVG;
- `texte`: the coordination's qualitative texts, formatted safely;
- `pdf`: the printed review.
"""
