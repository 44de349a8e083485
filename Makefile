# Rapport — see README.md. `make run` and `make test` set up everything they
# need on a fresh Debian 12 machine (system packages through scripts/install-deps).

GO      ?= go
BIN     ?= bin/rapport
WINDOW  ?= $(dir $(BIN))rapport-window
LIBRARY ?=

.PHONY: all deps build run test vet screenshots package bench ocr-bench pageview-bench extract-eval header-eval fuzz clean

all: build

# System packages (Fyne's build headers, pdftotext, xmllint, Xvfb, recoll);
# a no-op when they are present.
deps:
	@scripts/install-deps

# The rapport command: the headless build (no cgo, no window toolkit: quick
# to start) and, beside it, the window it hands over to when run without a
# subcommand (the same program built with cgo for Fyne's OpenGL driver).
build: deps
	CGO_ENABLED=0 $(GO) build -o $(BIN) ./cmd/rapport
	CGO_ENABLED=1 $(GO) build -o $(WINDOW) ./cmd/rapport

# Opens the window; on an empty library it offers the built-in demo library.
run: build
	$(BIN) $(if $(LIBRARY),--library "$(LIBRARY)")

# The whole test suite (what CI runs).
test: deps
	scripts/test

vet:
	CGO_ENABLED=0 $(GO) vet ./...

# PNGs of the real window under Xvfb (screenshots/).
screenshots: build
	scripts/screenshots

# The page view's page turns and memory in the real window under Xvfb.
pageview-bench: build
	scripts/pageview-bench

# A Linux package built with the fyne tool from FyneApp.toml.
package: deps
	scripts/package

# Benchmarks against pdftotext and Recoll (BENCH_N=10000 for the large run).
bench: build
	scripts/bench

# OCR quality and speed on scans made from known text (needs tesseract).
ocr-bench:
	scripts/ocr-bench

# Extraction quality against pdftotext on ../shared/corpus.
extract-eval:
	scripts/extract-eval

header-eval:
	scripts/header-eval

# Longer fuzzing by hand: FUZZTIME=10m make fuzz
fuzz:
	scripts/fuzz

clean:
	rm -rf bin
