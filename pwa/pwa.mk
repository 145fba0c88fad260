# The field app (pwa/) and the browser its tests drive. Included from the Makefile.
PWA_DIR := pwa
PWA_SOURCES := $(shell find $(PWA_DIR) -path $(PWA_DIR)/node_modules -prune -o -path $(PWA_DIR)/dist -prune -o -type f \( -name '*.js' -o -name '*.mjs' -o -name '*.css' -o -name '*.html' -o -name '*.webmanifest' -o -name '*.svg' \) -print)
PWA_STAMP := $(PWA_DIR)/dist/.built
PWA_DEPS_STAMP := $(PWA_DIR)/node_modules/.installed
CHROMIUM := /usr/bin/chromium

.PHONY: pwa pwa-lint browser

pwa: $(PWA_STAMP) ## Build the field app into pwa/dist (npm ci + esbuild; only when sources changed)

# Packages come from the npm registry by name, pinned by package-lock.json.
$(PWA_DEPS_STAMP): $(PWA_DIR)/package.json $(PWA_DIR)/package-lock.json
	cd $(PWA_DIR) && npm ci --no-audit --no-fund
	@touch $@

$(PWA_STAMP): $(PWA_DEPS_STAMP) $(PWA_SOURCES)
	cd $(PWA_DIR) && npm run --silent build
	@touch $@

# ESLint (bugs) and prettier --check (layout), devDependencies of pwa/; `npm run format` fixes.
pwa-lint: $(PWA_DEPS_STAMP) ## Check the field app with ESLint and Prettier
	cd $(PWA_DIR) && npm run --silent lint

browser: ## Install Debian's Chromium for the browser tests (needs root)
	@if [ -x $(CHROMIUM) ]; then \
		echo "chromium: $(CHROMIUM) is installed"; \
	elif [ "$$(id -u)" = "0" ]; then \
		apt-get update && apt-get install -y chromium; \
	else \
		echo "chromium: $(CHROMIUM) is missing. Install it as root: sudo apt-get update && sudo apt-get install -y chromium"; \
		echo "(the browser tests in tests/pwa are skipped without it, or fail when ROUNDBOOK_REQUIRE_SERVICES=1)"; \
	fi
