"""Fail when a msgid of the Simplified Chinese catalogue has no translation or is fuzzy."""

import sys

import polib


def main(path: str) -> int:
    catalogue = polib.pofile(path)
    missing = [e for e in catalogue if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    for entry in missing[:50]:
        print(f"untranslated: {entry.msgid!r}")
    if missing:
        print(f"{len(missing)} untranslated or fuzzy entries in {path}: run `make messages`, then translate.")
        return 1
    print(f"{path}: all {len(catalogue)} entries translated")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
