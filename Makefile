# The two commands of the README: `make run` and `make test`. Everything else is what they need.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install translations browser lint format bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP) translations

translations: $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy --statistics -d fieldlog/translations 2>&1 | grep -v '^$$' || true
	@test -f fieldlog/translations/sv/LC_MESSAGES/messages.mo

# Real Chromium for the browser tests, from Debian's packages (needs root, as on CI and the dev machines).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Chromium from Debian's packages..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

run: install
	$(BIN)/fieldlog db upgrade
	$(BIN)/fieldlog demo
	$(BIN)/fieldlog run --host $(HOST) --port $(PORT)

test: install browser
	$(BIN)/python -m pytest

# The officer app's JavaScript is linted by ESLint and Prettier through npx (dev only: nothing else needs Node).
# npx keeps them in its own cache; -p globals: eslint.config.js takes the browser and worker globals from it.
ESLINT := npx --yes -p eslint@9 -p globals@16 eslint
PRETTIER := npx --yes prettier@3
JS := static/js service_worker eslint.config.js

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(ESLINT) $(JS)
	$(PRETTIER) --check $(JS)

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
	$(PRETTIER) --write $(JS)

clean:
	rm -rf $(VENV) instance .pytest_cache .hypothesis
