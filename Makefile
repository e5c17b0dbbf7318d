# Shortcuts for the entry point in scripts/dev.sh (the README's commands call it directly,
# since a fresh Debian machine may not have make).
.PHONY: install run test
install:
	bash scripts/dev.sh install
run:
	bash scripts/dev.sh run
test:
	bash scripts/dev.sh test
