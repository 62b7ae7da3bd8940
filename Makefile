# Two commands do everything: `make run` serves the demo portal, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi
CATALOG := portal/translations

.PHONY: run test install translations extract-messages update-messages db-upgrade seed demo-data e2e-deps clean

$(BIN)/activate: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $(BIN)/activate

install: $(BIN)/activate

translations: install
	$(BIN)/pybabel compile --statistics -d $(CATALOG) 2>&1 | tail -n 2

# Developers: refresh the template and the catalogues after changing user-facing strings.
extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --ignore-dirs '.* __pycache__ node_modules' --no-location --sort-output -o $(CATALOG)/messages.pot .
update-messages: extract-messages
	$(BIN)/pybabel update -i $(CATALOG)/messages.pot -d $(CATALOG) --no-fuzzy-matching --ignore-obsolete

db-upgrade: install
	PORTAL_DEMO_MODE=true $(BIN)/flask db upgrade

seed: db-upgrade
	PORTAL_DEMO_MODE=true $(BIN)/flask portal seed --demo
	PORTAL_DEMO_MODE=true $(BIN)/flask routing warm

# A living portal for a new user: a history of reports, loaded only when there are none.
DEMO_REPORTS ?= 3000
demo-data: seed
	PORTAL_DEMO_MODE=true $(BIN)/flask portal demo --reports $(DEMO_REPORTS) --if-empty

# The demo serves plain http, so its session cookie cannot be marked Secure.
run: translations demo-data
	PORTAL_DEMO_MODE=true PORTAL_SESSION_COOKIE_SECURE=false $(BIN)/flask run --host 127.0.0.1 --port 5000

node_modules/axe-core/axe.min.js: package.json
	npm install --no-audit --no-fund --silent
	touch $@

e2e-deps: node_modules/axe-core/axe.min.js

test: translations e2e-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) node_modules instance .pytest_cache
