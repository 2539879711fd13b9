#!/usr/bin/python3
"""Records the expected output of every case in cases.yaml with the real Jinja2 (3.1, default environment).

Run with Debian's python3 (which has jinja2 and PyYAML): /usr/bin/python3 record.py
Each case keeps its name, template, data and any `divergence`; `expected` (the rendered text) or `error: true`
(with Jinja2's error type as `jinja2_error`) is written back in place.
"""
import os
import sys

import jinja2
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
TABLE = os.path.join(HERE, "cases.yaml")
HEADER = ("# Jinja2 conformance cases. Edit name/template/data/divergence; `expected`, `error` and `jinja2_error`\n"
          "# are recorded with the real Jinja2 " + jinja2.__version__ + " by record.py (/usr/bin/python3 record.py).\n")


def record(case):
    out = {"name": case["name"], "template": case["template"], "data": case.get("data") or {}}
    try:
        out["expected"] = jinja2.Template(case["template"]).render(out["data"])
    except Exception as error:  # any failure of parsing or rendering is an expected error
        out["error"] = True
        out["jinja2_error"] = type(error).__name__ + ": " + str(error)
    if case.get("divergence"):
        out["divergence"] = case["divergence"]
    return out


def main():
    with open(TABLE, encoding="utf-8") as f:
        cases = yaml.safe_load(f)
    names = [c["name"] for c in cases]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        sys.exit("duplicate case names: " + ", ".join(duplicates))
    recorded = [record(c) for c in cases]
    with open(TABLE, "w", encoding="utf-8") as f:
        f.write(HEADER)
        yaml.safe_dump(recorded, f, sort_keys=False, allow_unicode=True, width=1000, default_flow_style=None)
    errors = sum(1 for c in recorded if c.get("error"))
    print(f"recorded {len(recorded)} cases ({errors} expected errors) with Jinja2 {jinja2.__version__}")


if __name__ == "__main__":
    main()
