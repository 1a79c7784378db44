"""Bring the message catalogs in step with the code.

    python scripts/catalogs.py          extract the marked texts (babel.cfg), update
                                        dashboard/locale/{en,zh}/LC_MESSAGES/messages.po and list
                                        the texts that still need a Chinese translation

Edit the Chinese ``msgstr`` lines by hand (or with any .po editor), then run it again: it exits
with status 1 while a translation is missing. The catalogs are read at start-up; there is
nothing to compile.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dashboard.catalogs import update  # noqa: E402


def main() -> int:
    missing = update()
    for language, gaps in missing.items():
        for message_id, context in gaps:
            where = f" [{context}]" if context else ""
            print(f"{language}: needs a translation{where}: {message_id}")
    return 1 if any(missing.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
