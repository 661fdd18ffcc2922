"""Setting up a council without code: the one-time link `manage.py mise_en_place` prints, the
journey it opens in the browser (the first Coordination account, then the council step by step),
and `manage.py creer_contrat`, which runs the same steps from a file. Apps add steps through
`registry.register_etape_mise_en_place` (the instances come from comites)."""
