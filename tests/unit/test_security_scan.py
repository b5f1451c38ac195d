import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bandit_finds_no_high_severity_issue():
    bandit = Path(sys.executable).with_name("bandit")
    result = subprocess.run(
        [bandit, "-r", str(ROOT / "fieldlog"), "-f", "json", "-q"], capture_output=True, text=True, timeout=300
    )
    report = json.loads(result.stdout)
    assert report["metrics"]["_totals"]["loc"] > 1000  # it really scanned the package
    high = [r for r in report["results"] if r["issue_severity"] == "HIGH"]
    assert high == [], high
