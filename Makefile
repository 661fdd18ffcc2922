# Plateforme CLS — the two front-door commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

# Python 3.12+ : python3.13 or python3.12 on PATH (a pyenv shim that does not run is skipped),
# then pyenv's own versions when the shims are not on PATH.
PYTHON_BIN := $(shell \
	for c in python3.12 python3.13 python3; do \
		p=$$(command -v $$c 2>/dev/null) && "$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo "$$p"; exit 0; }; \
	done; \
	for p in $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.12*/bin/python3 $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[3-9]*/bin/python3 /usr/local/bin/python3.1[23] /usr/bin/python3.1[23]; do \
		[ -x "$$p" ] && "$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo "$$p"; exit 0; }; \
	done)

.PHONY: help install assets run test lint lock collectstatic bench charge

help:
	@echo "make run   — installe tout, charge la démo et lance http://127.0.0.1:$(PORT)"
	@echo "make test  — installe ce qu'il faut et lance toute la suite de tests"

$(VENV)/.installed: requirements.lock pyproject.toml
	@if [ -z "$(PYTHON_BIN)" ]; then \
		echo "Erreur : Python 3.12 ou 3.13 est introuvable (python3.12/python3.13 absents du PATH et de pyenv)." >&2; \
		echo "Installez Python 3.12+ puis relancez la commande." >&2; exit 1; fi
	@[ -x $(PY) ] || { echo "Création de $(VENV) avec $(PYTHON_BIN)"; "$(PYTHON_BIN)" -m venv $(VENV); }
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@touch $@

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "Erreur : npm est introuvable (Node.js est nécessaire pour Bootstrap et les graphiques)." >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# The French catalogue (locale/fr): the .mo is a build product, compiled from the versioned .po.
MO := locale/fr/LC_MESSAGES/django.mo
$(MO): locale/fr/LC_MESSAGES/django.po $(VENV)/.installed
	@command -v msgfmt >/dev/null || { echo "Erreur : msgfmt est introuvable (paquet gettext : apt-get install gettext)." >&2; exit 1; }
	$(PY) manage.py compilemessages -l fr --ignore=.venv --ignore=node_modules

install: $(VENV)/.installed node_modules/.installed $(MO)

assets: node_modules/.installed

run: install
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=1 $(PY) manage.py charger_demo
	@# The daily reminders: a periodic task the worker runs at 07:30 (queued once, never twice).
	DJANGO_DEBUG=1 $(PY) manage.py envoyer_relances --planifier
	@echo ""
	@echo "Plateforme CLS : http://127.0.0.1:$(PORT)/  (comptes ci-dessus, mot de passe poitiers1998)"
	@# The task worker (imports, e-mail) runs beside the server, in its own process group (set -m),
	@# and is stopped with it: Ctrl-C ends the server, the EXIT trap then ends the worker.
	@# Links in e-mails and calendar feeds start with the address served here (CLS_ADRESSE_PUBLIQUE);
	@# the platform's name is the demo contract's (its nom_conseil).
	@set -m; export DJANGO_DEBUG=1 CLS_ADRESSE_PUBLIQUE="$${CLS_ADRESSE_PUBLIQUE:-http://127.0.0.1:$(PORT)}"; \
	$(PY) manage.py db_worker --queue-name '*' & ouvrier=$$!; \
	trap 'kill -TERM -- -'$$ouvrier' 2>/dev/null; wait '$$ouvrier' 2>/dev/null' EXIT; \
	echo "Processus de traitement des tâches (db_worker) : $$ouvrier"; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports

collectstatic: install
	$(PY) manage.py collectstatic --noinput

lock:
	$(PY) -m pip install --quiet -e '.[dev]' && $(PY) -m pip freeze --exclude-editable | grep -v '^-e' | sort -f > requirements.lock.new
	@(echo '# Versions exactes installées par `make install` (pip install -r requirements.lock).'; \
	  echo '# Régénérer après un changement de pyproject.toml : make lock'; cat requirements.lock.new) > requirements.lock
	@rm requirements.lock.new

bench: install
	@if [ -f tests/benchmarks/run.py ]; then $(PY) tests/benchmarks/run.py; else echo "Pas encore de benchmark."; fi

charge: install
	$(PY) tests/charge/charge_mixte.py
