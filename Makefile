# chainserve — the two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000

.PHONY: demo demo-reset test test-sqlite test-postgres test-cluster test-e2e lint bench clean messages

$(BIN)/chainserve: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

## make demo: set up, migrate SQLite, load the demo cluster and serve it on http://127.0.0.1:8000
demo: $(BIN)/chainserve
	$(BIN)/chainserve demo --port $(PORT)

## make demo-reset: delete the demo's SQLite database under var/, load the demo again and serve it
demo-reset: $(BIN)/chainserve
	$(BIN)/chainserve demo --reset --port $(PORT)

## make test: set up and run every test — SQLite, PostgreSQL (started here), a cluster, browser (Chromium)
test: $(BIN)/chainserve
	bash scripts/test.sh

## make test-sqlite | test-postgres | test-cluster | test-e2e: one stage of make test
test-sqlite test-postgres test-cluster test-e2e: $(BIN)/chainserve
	bash scripts/test.sh $(@:test-%=%)

lint: $(BIN)/chainserve
	$(BIN)/ruff check chainserve tests bench
	$(BIN)/python manage.py makemigrations --check --dry-run

messages: $(BIN)/chainserve
	cd chainserve && ../$(BIN)/django-admin makemessages -l zh_Hans --no-obsolete && ../$(BIN)/django-admin compilemessages

bench: $(BIN)/chainserve
	bash bench/run.sh

clean:
	rm -rf $(VENV) var .tmp *.egg-info
