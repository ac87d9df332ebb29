"""Reading docs/*.md, so tests can hold them (and metadata.json) to the real schema.

docs/schema.md has one `### `name` (table|view|virtual table)` heading per
relation, a paragraph describing it, then a markdown table `| column | type |
meaning |`. docs/queries.md has one `## Title` per recipe and its ```sql block;
titles ending in `*(canned)*` are also Datasette canned queries.

Run as a script to copy the docs' descriptions and canned queries into
monitor/analytics/metadata.json (other keys are kept):
    python tests/analytics/schema_doc.py
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_MD = ROOT / "docs" / "schema.md"
QUERIES_MD = ROOT / "docs" / "queries.md"
METADATA_JSON = ROOT / "monitor" / "analytics" / "metadata.json"

_HEADING = re.compile(r"^### `(?P<name>\w+)` \((?P<kind>table|view|virtual table)\)\s*$")
_SQL_BLOCK = re.compile(r"^```sql\n(.*?)^```", re.MULTILINE | re.DOTALL)
_CANNED = re.compile(r"^## (?P<title>.+?) \*\(canned\)\*\s*$")
_ROW = re.compile(r"^\|\s*`(?P<col>\w+)`\s*\|(?P<type>[^|]*)\|(?P<meaning>.*)\|\s*$")


@dataclass
class DocRelation:
    name: str
    kind: str
    description: str = ""
    columns: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (type, meaning)


def parse_schema_doc(text: str) -> dict[str, DocRelation]:
    """Relations described in `text`, in document order."""
    out: dict[str, DocRelation] = {}
    current: DocRelation | None = None
    prose: list[str] = []
    for line in text.splitlines():
        if line.startswith("#"):
            m = _HEADING.match(line)
            current = DocRelation(name=m["name"], kind=m["kind"]) if m else None
            if current is not None:
                assert current.name not in out, f"{current.name} documented twice"
                out[current.name] = current
            prose = []
            continue
        if current is None:
            continue
        row = _ROW.match(line)
        if row:
            assert row["col"] not in current.columns, f"{current.name}.{row['col']} twice"
            current.columns[row["col"]] = (row["type"].strip(), row["meaning"].strip())
        elif not line.startswith("|") and not current.columns:
            prose.append(line.strip())
            current.description = " ".join(p for p in prose if p)
    return out


def sql_blocks(text: str) -> list[str]:
    """Every ```sql fenced block of a markdown text, stripped."""
    return [m.group(1).strip() for m in _SQL_BLOCK.finditer(text)]


def canned_queries(text: str) -> dict[str, dict[str, str]]:
    """Datasette canned queries implied by docs/queries.md: slug -> title, description, sql."""
    out: dict[str, dict[str, str]] = {}
    for section in re.split(r"^(?=## )", text, flags=re.MULTILINE):
        lines = section.splitlines()
        m = _CANNED.match(lines[0]) if lines else None
        if not m:
            continue
        blocks = sql_blocks(section)
        assert len(blocks) == 1, f"{m['title']}: expected one sql block"
        prose = section.split("```sql")[0].splitlines()[1:]
        slug = re.sub(r"\W+", "_", m["title"].lower()).strip("_")
        out[slug] = {
            "title": m["title"],
            "description": plain(" ".join(p.strip() for p in prose if p.strip())),
            "sql": blocks[0],
        }
    return out


def plain(text: str) -> str:
    """Markdown inline text as plain text (Datasette shows descriptions verbatim)."""
    return text.replace("`", "")


def metadata_tables(doc: dict[str, DocRelation]) -> dict[str, dict[str, object]]:
    """The `tables` section of Datasette metadata that `doc` implies."""
    return {
        r.name: {
            "description": plain(r.description),
            "columns": {c: plain(meaning) for c, (_, meaning) in r.columns.items()},
        }
        for r in doc.values()
    }


def main() -> None:
    doc = parse_schema_doc(SCHEMA_MD.read_text(encoding="utf-8"))
    meta = json.loads(METADATA_JSON.read_text(encoding="utf-8"))
    tables = meta["databases"]["monitor"].setdefault("tables", {})
    for name, described in metadata_tables(doc).items():
        tables.setdefault(name, {}).update(described)
    for name in set(tables) - set(doc):
        del tables[name]
    db = meta["databases"]["monitor"]
    db["queries"] = canned_queries(QUERIES_MD.read_text(encoding="utf-8"))
    METADATA_JSON.write_text(
        json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
