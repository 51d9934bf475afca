"""The report formats: text, JSON, SARIF 2.1.0 (checked against the spec's required fields) and
GitHub workflow commands."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from fake_rules import FAKE, install

from leakscope.core.analysis import FileResult, FileStatus
from leakscope.core.config import Config
from leakscope.core.engine import scan
from leakscope.core.model import Rule
from leakscope.core.report import (
    Report,
    all_rules,
    doc_section,
    github_command,
    github_escape_data,
    github_escape_property,
    render,
    render_github,
    render_json,
    render_sarif,
    render_text,
)
from leakscope.core.rules import RULES
from leakscope.core.suppress import DIRECTIVE_RULE

GO_MOD = "module example.com/m\n\ngo 1.22\n"
PRELUDE = """package m

func Leak(s string)     {}
func Clean(s string)    {}
func Risky(s string)    {}
func Careful(s string)  {}
func Hopeless(s string) {}

"""


def project(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "go.mod").write_text(GO_MOD)
    for rel, content in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
    return tmp_path


def report_for(root: Path, cwd: Path | None = None) -> Report:
    result = scan(root, Config(), use_cache=False, workers=1)
    return Report(result.root, result.findings, result.files, result.problems, cwd=cwd)


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> None:
    install(monkeypatch)


SAMPLE = {
    "a.go": PRELUDE + 'func f() {\n\ts := "héllo"; Leak(s)\n\tRisky(s)\n\tHopeless(s)\n}\n',
    "sub/b.go": 'package sub\n\nfunc Leak(s string) {}\n\nfunc g() { Leak("x") }\n',
}


# -- text ------------------------------------------------------------------------------------


def test_text_lists_findings_and_a_summary_with_counts(tmp_path: Path, fake: None) -> None:
    root = project(tmp_path, SAMPLE)
    out = render_text(report_for(root))
    lines = out.splitlines()
    # Columns are characters: "é" is two bytes but one column.
    assert lines[0] == "a.go:10:16: fake-leak: Leak leaks its argument [*]"
    assert lines[1] == "a.go:11:2: fake-leak: Risky leaks its argument [unsafe fix]"
    assert lines[2] == "a.go:12:2: fake-leak: Hopeless leaks its argument"
    assert lines[3] == "sub/b.go:5:12: fake-leak: Leak leaks its argument [*]"
    assert lines[-1] == (
        "Found 4 findings (fake-leak: 4); 2 fixable with `leakscope fix`; "
        "1 unsafe fix with `leakscope fix --unsafe`; 2 files scanned."
    )


def test_text_counts_partial_unreadable_and_generated_files(tmp_path: Path) -> None:
    files = [
        FileResult("ok.go", FileStatus.OK),
        FileResult(
            "broken.go", FileStatus.PARTIAL, error="2 syntax error(s); analysed what parsed"
        ),
        FileResult("secret.go", FileStatus.UNREADABLE, error="Permission denied"),
        FileResult("gen.go", FileStatus.GENERATED),
    ]
    out = render_text(Report(tmp_path, [], files, ["locked: cannot read folder: denied"]))
    assert "secret.go: unreadable: Permission denied" in out
    assert "broken.go: partially parsed: 2 syntax error(s); analysed" in out
    assert "locked: cannot read folder: denied" in out
    assert out.splitlines()[-1] == (
        "No findings; 2 files scanned; 1 file partially parsed; 1 file unreadable; "
        "1 folder unreadable; 1 generated file skipped."
    )


def test_text_paths_are_shown_from_the_working_folder(tmp_path: Path, fake: None) -> None:
    root = project(tmp_path / "proj", SAMPLE)
    out = render_text(report_for(root, cwd=tmp_path))
    assert out.startswith("proj/a.go:10:16: ")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # Outside the working folder: relative with `..` (as go vet and ruff), never absolute
    # next to relative ones (issue 15 item 5); GitHub annotations stay below the workspace.
    report = report_for(root, cwd=elsewhere)
    out = render_text(report)
    assert out.startswith("../proj/a.go:10:16: ")
    assert "../proj/sub/b.go:5:12: " in out
    assert f"file={root.resolve().as_posix()}/a.go," in render(report, "github")


def test_statistics_count_per_rule_most_frequent_first(tmp_path: Path, fake: None) -> None:
    root = project(
        tmp_path,
        {"a.go": PRELUDE + 'func f() {\n\tLeak("a")\n\t//leakscope:ignore fake-leak\n}\n'},
    )
    out = render(report_for(root), "text", statistics=True)
    lines = out.splitlines()
    assert lines[0].split() == ["1", "fake-leak", "1", "fixable"]
    assert lines[1].split() == ["1", "ignore-directive", "no", "fix"]
    assert "a.go:" not in out  # counts instead of findings
    assert lines[-1].startswith("Found 2 findings")


# -- JSON ------------------------------------------------------------------------------------


def test_json_shape_positions_and_fixes(tmp_path: Path, fake: None) -> None:
    root = project(tmp_path, SAMPLE)
    data = json.loads(render_json(report_for(root)))
    assert data["version"]
    first, risky, hopeless, other = data["findings"]
    assert first == {
        "rule": FAKE,
        "path": "a.go",
        "line": 10,
        "column": 16,
        "end_line": 10,
        "end_column": 23,
        "message": "Leak leaks its argument",
        "severity": "warning",
        "confidence": "high",
        "impact": "grows",
        "impact_reason": "",
        "fix": {
            "title": "call Clean instead",
            "applicability": "safe",
            "verified": False,
            "unverified_reason": "not checked yet: `leakscope fix` type-checks a fix before "
            "writing it",
            "edits": [
                {
                    "start_line": 10,
                    "start_column": 16,
                    "end_line": 10,
                    "end_column": 20,
                    "new_text": "Clean",
                }
            ],
        },
        "no_fix_reason": None,
        "related": [],
        "fingerprint": first["fingerprint"],
    }
    assert len(first["fingerprint"]) == 16
    assert risky["fix"]["applicability"] == "unsafe"
    no_go = replace(report_for(root), toolchain=False)
    unverified = json.loads(render_json(no_go))["findings"][0]["fix"]
    assert unverified["verified"] is False
    assert "no Go toolchain" in unverified["unverified_reason"]
    assert "[*, unverified]" in render_text(no_go)
    assert "`leakscope fix --unverified`" in render_text(no_go)
    sarif = json.loads(render_sarif(no_go))["runs"][0]["results"][0]["fixes"][0]
    assert sarif["properties"]["verified"] is False
    assert "no Go toolchain" in sarif["properties"]["unverifiedReason"]
    assert hopeless["fix"] is None
    assert hopeless["confidence"] == "low"
    assert hopeless["no_fix_reason"] == "no automatic fix: nothing can save it"
    assert other["path"] == "sub/b.go"


def test_json_edit_positions_apply_to_the_file(tmp_path: Path, fake: None) -> None:
    """Applying the JSON edits by line and character column gives the fixed text."""
    root = project(tmp_path, SAMPLE)
    data = json.loads(render_json(report_for(root)))
    lines = (root / "a.go").read_text(encoding="utf-8").split("\n")
    edit = data["findings"][0]["fix"]["edits"][0]
    line = lines[edit["start_line"] - 1]
    fixed = line[: edit["start_column"] - 1] + edit["new_text"] + line[edit["end_column"] - 1 :]
    assert fixed == '\ts := "héllo"; Clean(s)'


def test_json_edits_use_the_files_line_endings(tmp_path: Path, monkeypatch: Any) -> None:
    from leakscope.core import context, model

    install(monkeypatch)
    # A fix whose new text spans lines: its "\n" becomes "\r\n" in a CRLF file.
    original_at = context.Diagnostic.at

    def at(node: Any, message: str, **kwargs: Any) -> Any:
        fix = kwargs.get("fix")
        if fix is not None:
            edit = fix.edits[0]
            kwargs["fix"] = model.Fix(
                fix.title,
                (model.TextEdit(edit.start_byte, edit.end_byte, edit.new_text + "\n"),),
                fix.applicability,
            )
        return original_at(node, message, **kwargs)

    monkeypatch.setattr(context.Diagnostic, "at", staticmethod(at))
    src = (PRELUDE + 'func f() {\n\tLeak("x")\n}\n').replace("\n", "\r\n")
    root = project(tmp_path, {"a.go": src})
    data = json.loads(render_json(report_for(root)))
    assert data["findings"][0]["fix"]["edits"][0]["new_text"] == "Clean\r\n"


def test_json_leaves_out_a_fix_when_the_file_changed_since_analysis(
    tmp_path: Path, fake: None
) -> None:
    root = project(tmp_path, SAMPLE)
    report = report_for(root)
    (root / "a.go").write_text("\n\n" + SAMPLE["a.go"])  # positions would now be wrong
    data = json.loads(render_json(report))
    assert data["findings"][0]["fix"] is None
    assert data["findings"][0]["line"] == 10  # the finding itself is as analysed
    assert data["findings"][3]["fix"] is not None  # sub/b.go did not change


def test_json_lists_partial_and_unreadable_files(tmp_path: Path) -> None:
    files = [
        FileResult("broken.go", FileStatus.PARTIAL, error="1 syntax error(s)"),
        FileResult("secret.go", FileStatus.UNREADABLE, error="Permission denied"),
    ]
    data = json.loads(render_json(Report(tmp_path, [], files)))
    assert data["findings"] == []
    assert {"path": "secret.go", "status": "unreadable", "message": "Permission denied"} in data[
        "files"
    ]
    assert {"path": "broken.go", "status": "partial", "message": "1 syntax error(s)"} in data[
        "files"
    ]


# -- SARIF -----------------------------------------------------------------------------------

LEVELS = {"none", "note", "warning", "error"}


def _check_region(region: dict[str, Any], where: str) -> None:
    assert isinstance(region.get("startLine"), int) and region["startLine"] >= 1, where
    for key in ("startColumn", "endLine", "endColumn"):
        if key in region:
            assert isinstance(region[key], int) and region[key] >= 1, f"{where}.{key}"
    if "endLine" in region:
        assert region["endLine"] >= region["startLine"], where
        if region["endLine"] == region["startLine"] and "endColumn" in region:
            assert region["endColumn"] >= region.get("startColumn", 1), where


def _check_artifact_location(loc: dict[str, Any], base_ids: set[str], where: str) -> None:
    assert isinstance(loc.get("uri"), str) and loc["uri"], where
    assert not loc["uri"].startswith("/"), f"{where}: relative uri expected"
    if "uriBaseId" in loc:
        assert loc["uriBaseId"] in base_ids, where


def _check_message(message: Any, where: str) -> None:
    assert isinstance(message, dict), where
    assert isinstance(message.get("text"), str) or isinstance(message.get("id"), str), where


def validate_sarif(data: dict[str, Any]) -> None:
    """The SARIF 2.1.0 schema's required properties and constraints for what leakscope emits.

    Checked by hand (no network to fetch the schema): sarifLog.version and runs; run.tool;
    toolComponent.name; reportingDescriptor.id; result.message; ruleIndex consistency;
    physicalLocation / region / artifactLocation; fix.artifactChanges (minItems 1),
    artifactChange.artifactLocation and replacements (minItems 1), replacement.deletedRegion;
    invocation.executionSuccessful; notification.message; originalUriBaseIds URIs end in "/".
    """
    assert data["version"] == "2.1.0"
    assert isinstance(data.get("$schema"), str)
    assert isinstance(data["runs"], list) and data["runs"]
    for run in data["runs"]:
        driver = run["tool"]["driver"]
        assert isinstance(driver["name"], str) and driver["name"]
        rules = driver.get("rules", [])
        ids = [r["id"] for r in rules]
        assert len(ids) == len(set(ids)), "rule ids must be unique"
        for rule in rules:
            assert isinstance(rule["id"], str) and rule["id"]
            for key in ("shortDescription", "fullDescription"):
                if key in rule:
                    assert isinstance(rule[key]["text"], str) and rule[key]["text"]
            if "help" in rule:
                assert isinstance(rule["help"]["text"], str)
            level = rule.get("defaultConfiguration", {}).get("level", "warning")
            assert level in LEVELS
        base_ids = set(run.get("originalUriBaseIds", {}))
        for base in run.get("originalUriBaseIds", {}).values():
            assert base["uri"].endswith("/") and base["uri"].startswith("file:///")
        assert run.get("columnKind", "utf16CodeUnits") in ("utf16CodeUnits", "unicodeCodePoints")
        for inv in run.get("invocations", []):
            assert isinstance(inv["executionSuccessful"], bool)
            for note in inv.get("toolExecutionNotifications", []):
                _check_message(note["message"], "notification")
                assert note.get("level", "warning") in LEVELS
        for i, result in enumerate(run["results"]):
            where = f"results[{i}]"
            _check_message(result["message"], where)
            assert result.get("level", "warning") in LEVELS
            if "ruleIndex" in result:
                assert 0 <= result["ruleIndex"] < len(rules), where
                assert rules[result["ruleIndex"]]["id"] == result["ruleId"], where
            else:
                assert result["ruleId"] in ids, where
            for loc in [*result.get("locations", []), *result.get("relatedLocations", [])]:
                phys = loc["physicalLocation"]
                _check_artifact_location(phys["artifactLocation"], base_ids, where)
                _check_region(phys["region"], where)
            for value in result.get("partialFingerprints", {}).values():
                assert isinstance(value, str)
            for fix in result.get("fixes", []):
                changes = fix["artifactChanges"]
                assert isinstance(changes, list) and changes, where
                for change in changes:
                    _check_artifact_location(change["artifactLocation"], base_ids, where)
                    assert isinstance(change["replacements"], list) and change["replacements"]
                    for replacement in change["replacements"]:
                        _check_region(replacement["deletedRegion"], where)
                        if "insertedContent" in replacement:
                            assert isinstance(replacement["insertedContent"]["text"], str)


def test_sarif_is_valid_and_carries_findings_and_fixes(tmp_path: Path, fake: None) -> None:
    root = project(tmp_path, SAMPLE)
    data = json.loads(render_sarif(report_for(root)))
    validate_sarif(data)
    run = data["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == root.resolve().as_uri() + "/"
    first = run["results"][0]
    assert first["ruleId"] == FAKE and first["level"] == "warning"
    assert first["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 10,
        "startColumn": 16,
        "endLine": 10,
        "endColumn": 23,
    }
    replacement = first["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert replacement == {
        "deletedRegion": {"startLine": 10, "startColumn": 16, "endLine": 10, "endColumn": 20},
        "insertedContent": {"text": "Clean"},
    }
    assert "fixes" not in run["results"][2]  # Hopeless has no fix
    assert run["results"][3]["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "sub/b.go",
        "uriBaseId": "%SRCROOT%",
    }


def test_sarif_rule_metadata_comes_from_the_registry(tmp_path: Path) -> None:
    data = json.loads(render_sarif(Report(tmp_path, [])))
    validate_sarif(data)
    rules = data["runs"][0]["tool"]["driver"]["rules"]
    registry: list[Rule] = [*RULES, DIRECTIVE_RULE]
    assert [r["id"] for r in rules] == [r.name for r in registry]
    assert all_rules() == tuple(registry)
    for described, rule in zip(rules, registry, strict=True):
        assert described["shortDescription"]["text"] == rule.summary
        assert described["help"]["markdown"] == rule.doc.strip()
        level = {"error": "error", "warning": "warning", "info": "note"}[rule.severity.value]
        assert described["defaultConfiguration"]["level"] == level
    directive = rules[-1]
    assert directive["fullDescription"]["text"].startswith(
        "Reports `//leakscope:ignore` directives that have no reason"
    )


def test_sarif_reports_unreadable_files_as_notifications(tmp_path: Path) -> None:
    files = [FileResult("secret.go", FileStatus.UNREADABLE, error="Permission denied")]
    data = json.loads(render_sarif(Report(tmp_path, [], files)))
    validate_sarif(data)
    notes = data["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert notes[0]["level"] == "error"
    assert notes[0]["message"]["text"] == "secret.go: Permission denied"


def test_sarif_uris_are_percent_encoded(tmp_path: Path, fake: None) -> None:
    root = project(tmp_path, {"my dir/a b.go": PRELUDE + 'func f() { Leak("x") }\n'})
    data = json.loads(render_sarif(report_for(root)))
    validate_sarif(data)
    loc = data["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "my%20dir/a%20b.go"


def test_the_validator_rejects_broken_sarif() -> None:
    good = {
        "version": "2.1.0",
        "$schema": "x",
        "runs": [
            {
                "tool": {"driver": {"name": "t", "rules": [{"id": "r"}]}},
                "results": [
                    {
                        "ruleId": "r",
                        "ruleIndex": 0,
                        "message": {"text": "m"},
                        "fixes": [{"artifactChanges": []}],
                    }
                ],
            }
        ],
    }
    with pytest.raises(AssertionError):
        validate_sarif(good)  # a fix needs at least one artifact change
    del good["runs"][0]["results"][0]["fixes"]
    validate_sarif(good)
    good["runs"][0]["results"][0]["ruleIndex"] = 1
    with pytest.raises(AssertionError):
        validate_sarif(good)


# -- GitHub ----------------------------------------------------------------------------------


def test_github_escaping_follows_the_workflow_command_rules() -> None:
    assert github_escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert github_escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    assert github_command("notice", "m: x, y", file="a,b.go", line=3) == (
        "::notice file=a%2Cb.go,line=3::m: x, y"
    )


def test_github_annotations_per_finding(tmp_path: Path, fake: None) -> None:
    root = project(tmp_path, SAMPLE)
    lines = render_github(report_for(root)).splitlines()
    assert lines[0] == (
        "::warning file=a.go,line=10,col=16,endLine=10,endColumn=23,"
        "title=leakscope fake-leak::Leak leaks its argument (fix: call Clean instead)"
    )
    assert lines[2] == (
        "::warning file=a.go,line=12,col=2,endLine=12,endColumn=13,"
        "title=leakscope fake-leak::Hopeless leaks its argument"
    )
    assert len(lines) == 4


def test_github_levels_and_file_problems(tmp_path: Path) -> None:
    files = [
        FileResult("secret.go", FileStatus.UNREADABLE, error="Permission denied"),
        FileResult("broken.go", FileStatus.PARTIAL, error="1 syntax error(s)"),
    ]
    out = render_github(Report(tmp_path, [], files))
    assert out.splitlines() == [
        "::error file=secret.go,title=leakscope::leakscope could not read this file: "
        "Permission denied",
        "::notice file=broken.go,title=leakscope::leakscope: 1 syntax error(s)",
    ]


def test_render_rejects_an_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown format"):
        render(Report(tmp_path, []), "xml")


def test_doc_section_reads_one_heading() -> None:
    doc = "## What it does\nFinds\nleaks.\n\n## Why is this bad?\nMemory.\n"
    assert doc_section(doc, "What it does") == "Finds leaks."
    assert doc_section(doc, "Why is this bad?") == "Memory."
    assert doc_section(doc, "Example") == ""
