# LiveClass: `make run` starts the server on SQLite, `make test` runs every test.
CARGO ?= cargo
SERVER := target/debug/server

.PHONY: run build test contract lint fmt openapi bench bench-admission clean

## run: build, then serve on http://127.0.0.1:8080 with a SQLite file (liveclass.db) in development mode
run: build
	@echo ""
	@echo "LiveClass is starting in DEVELOPMENT MODE on http://$${LIVECLASS_BIND:-127.0.0.1:8080} (API docs: /docs)"
	@echo "Get a token in another terminal:"
	@echo "  $(SERVER) token --sub teacher-1 --tenant acme --role training_manager"
	@echo ""
	LIVECLASS_DEV_MODE=1 $(SERVER)

# -p: the server's own features only (the end-to-end test crate enables
# liveclass-persistence/test-util, which a workspace-wide build would unify in).
build:
	$(CARGO) build -p liveclass-server --bin server

## test: unit, adapter and end-to-end tests (PostgreSQL ones too when LIVECLASS_TEST_POSTGRES_URL is set);
## needs python3: installs the official Standard Webhooks library into .tools/ on first use
test:
	bash tests/webhooks/python-env
	$(CARGO) test --workspace

## contract: check the OpenAPI contract with external tools against a running
## server (Redocly lint, schemathesis, a generated client); needs node/npm and
## python3, installs the pinned tools into .tools/ on first use
contract:
	bash contract/run

## lint: formatting and clippy, warnings denied
lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

fmt:
	$(CARGO) fmt --all

## bench: load-test a release build against PostgreSQL (LIVECLASS_BENCH_POSTGRES_URL,
## default postgres://postgres@127.0.0.1:5432/postgres); writes bench-results/report.{json,md,html}
bench:
	$(CARGO) build --release -p liveclass-server -p liveclass-bench --bin server --bin liveclass-bench
	target/release/liveclass-bench --server-bin target/release/server $(BENCH_ARGS)

## bench-admission: the admission function before and after issue 12, with
## the disk taken out (pgbench, synchronous_commit off; see the README)
bench-admission:
	$(CARGO) build --release -p liveclass-server --bin server
	bash bench/admission-ab/run $(ROUNDS) $(SECONDS)

## openapi: regenerate the checked-in OpenAPI document
openapi:
	$(CARGO) run --quiet -p liveclass-server --bin server -- openapi > openapi/openapi.json

clean:
	$(CARGO) clean
	rm -rf .tools
	rm -f liveclass.db liveclass.db-shm liveclass.db-wal
