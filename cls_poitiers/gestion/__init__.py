"""The coordination manages the council in the application (not in the admin, a superuser's
alone): partners, accounts and roles, territories and priorities, the contract and the
platform's name. The instances and their members are managed in `comites.views.gestion`."""
