#!/usr/bin/env python3
"""Writes what Debusine's own task data models say about valid and broken task data, as a test fixture.

Kiln checks task data against its transcription of Debusine 0.16.2's pydantic models
(Shared/KilnTasks/DataModels); `TaskDataModelsTests` compares Kiln's text with the text this script records
from Debusine's models for the same data. Run it where Debusine 0.16.2 is unpacked (deploy/docs/fidelity.md says
how) and pydantic 2 plus Debusine's imports are installed:

    PYTHONPATH=<unpacked>/usr/lib/python3/dist-packages python3 deploy/fidelity/task-data-cases.py \
        > Tests/KilnTasksTests/Fixtures/task-data-cases.json

Each case starts from a valid sample of a task's data and changes one thing: a key removed, set to null or to a
value of another type, an unknown key added; the same one level down inside nested objects. Objects keep their
keys sorted, as Kiln prints them, so pydantic's input reprs can be compared as text.
"""
import importlib.util
import json
import re
import sys
import types

import pydantic


def load_models():
    """Debusine's three model modules, without its Django apps (only a regular expression is needed from them)."""
    import debusine

    base = debusine.__path__[0]
    for name in ("debusine.db", "debusine.db.models"):
        sys.modules.setdefault(name, types.ModuleType(name))
    workspaces = types.ModuleType("debusine.db.models.workspaces")
    # debusine/db/models/workspaces.py `workspace_name_regex`
    workspaces.workspace_name_regex = re.compile(r"^[A-Za-z][A-Za-z0-9+._-]*$")
    sys.modules["debusine.db.models.workspaces"] = workspaces

    def load(name, path):
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        return module

    import debusine.tasks.models as worker

    server = load("debusine.server.tasks.models", base + "/server/tasks/models.py")
    signing = load("debusine.signing.tasks.models", base + "/signing/tasks/models.py")
    return {**vars(worker), **vars(server), **vars(signing)}


ENV = "debian/match:codename=sid"
# (task type, task name, model class, valid sample); nested objects are mutated too.
SAMPLES = [
    ("worker", "noop", "NoopData", {"result": "success"}),
    ("worker", "autopkgtest", "AutopkgtestData", {
        "build_architecture": "amd64", "debug_level": 1, "environment": ENV,
        "extra_environment": {"A": "b"}, "fail_on": {"failed_test": True},
        "input": {"binary_artifacts": [2], "source_artifact": 1},
        "pin_packages": {"p": ["a"]}, "timeout": {"global": 10}}),
    ("worker", "lintian", "LintianData", {
        "environment": ENV, "fail_on_severity": "error", "input": {"source_artifact": 1},
        "output": {"source_analysis": True}}),
    ("worker", "lintian", "LintianData", {
        "exclude_tags": ["t"], "include_tags": ["u"], "input": {"binary_artifacts": [2, "sid@debian:suite/x"]},
        "output": {"binary_all_analysis": False, "binary_any_analysis": True}, "target_distribution": "debian:sid"}),
    ("worker", "blhc", "BlhcData", {
        "build_architecture": "amd64", "environment": ENV, "extra_flags": ["--bindnow"], "input": {"artifact": 1}}),
    ("worker", "debdiff", "DebDiffData", {
        "build_architecture": "amd64", "environment": ENV, "input": {"source_artifacts": [1, 2]}}),
    ("worker", "debdiff", "DebDiffData", {
        "build_architecture": "amd64", "environment": ENV, "extra_flags": ["--dirs"],
        "input": {"binary_artifacts": [[1], {"collection": "sid@debian:suite", "name__startswith": "h"}]}}),
    ("worker", "piuparts", "PiupartsData", {
        "base_tgz": 3, "build_architecture": "amd64", "environment": ENV, "input": {"binary_artifacts": [2]}}),
    ("worker", "piuparts", "PiupartsData", {
        "base_tgz": "bookworm@debian:environments", "environment": ENV,
        "extra_repositories": [{"suite": "flat/", "url": "https://example.org/flat"}],
        "input": {"binary_artifacts": {"collection": "sid@debian:suite"}}}),
    ("worker", "sbuild", "SbuildData", {
        "binnmu": {"changelog": "Rebuild", "suffix": "+b1"}, "build_architecture": "amd64",
        "build_components": ["any"], "environment": ENV, "input": {"source_artifact": 1}}),
    ("worker", "sbuild", "SbuildData", {
        "aspcud_criteria": "-removed", "binnmu": {
            "changelog": "Rebuild", "maintainer": "A <a@example.org>", "suffix": "+b1",
            "timestamp": "2024-05-01T12:00:00+02:00"},
        "build_architecture": "amd64", "build_dep_resolver": "aspcud", "build_profiles": ["nocheck"],
        "environment": ENV, "extra_repositories": [
            {"components": ["main"], "suite": "bookworm", "url": "http://deb.debian.org/debian"},
            {"suite": "sid@debian:suite"}],
        "input": {"extra_binary_artifacts": [3], "source_artifact": 1}, "resolve_alternatives": True}),
    ("worker", "mmdebstrap", "MmDebstrapData", {
        "bootstrap_options": {"architecture": "amd64"},
        "bootstrap_repositories": [{"components": ["main"], "mirror": "http://deb.debian.org/debian",
                                    "suite": "trixie", "types": ["deb"]}]}),
    ("worker", "mmdebstrap", "MmDebstrapData", {
        "bootstrap_options": {"architecture": "amd64", "extra_packages": ["vim"], "gpgv_command": "gpgv",
                              "use_signed_by": True, "variant": "buildd"},
        "bootstrap_repositories": [{
            "check_signature_with": "external", "keyring": {
                "install": True, "sha256sum": "0" * 64, "url": "file:///usr/share/keyrings/debian-archive-keyring.gpg"},
            "keyring_package": "debian-archive-keyring", "mirror": "http://deb.debian.org/debian", "suite": "trixie"}],
        "customization_script": "true"}),
    ("worker", "simplesystemimagebuild", "SystemImageBuildData", {
        "bootstrap_options": {"architecture": "amd64"},
        "bootstrap_repositories": [{"mirror": "http://deb.debian.org/debian", "suite": "trixie"}],
        "disk_image": {"format": "raw", "partitions": [{"filesystem": "ext4", "size": 2}]}}),
    ("worker", "extractforsigning", "ExtractForSigningData", {
        "environment": ENV, "input": {"binary_artifacts": [2], "template_artifact": 1}}),
    ("worker", "assemblesignedsource", "AssembleSignedSourceData", {"environment": ENV, "signed": [3], "template": 1}),
    ("worker", "makesourcepackageupload", "MakeSourcePackageUploadData", {
        "environment": ENV, "input": {"source_artifact": 1}, "since_version": "1.0-1", "target_distribution": "sid"}),
    ("worker", "mergeuploads", "MergeUploadsData", {"input": {"uploads": [1, 2]}}),
    ("server", "servernoop", "ServerNoopData", {"exception": False, "result": "success"}),
    ("server", "aptmirror", "APTMirrorData", {
        "architectures": ["amd64"], "collection": "bookworm@debian:suite", "components": ["main"],
        "filters": [{"binary_name": "^hello$"}], "suite": "bookworm", "url": "https://deb.debian.org/debian"}),
    ("server", "aptmirror", "APTMirrorData", {
        "authentication": "user:pass", "collection": 5, "filters": [{
            "binary_name": "a", "ignore_unauthorized": True, "priority": "optional", "section": "admin",
            "source_name": "b"}],
        "signing_key": "KEY", "suite": "flat/", "url": "https://example.org/flat"}),
    ("server", "packageupload", "PackageUploadData", {"input": {"upload": 1}, "target": "ftp://upload.example.org/"}),
    ("server", "copycollectionitems", "CopyCollectionItemsData", {
        "copies": [{"source_items": [1], "target_collection": "sid@debian:suite"}]}),
    ("server", "copycollectionitems", "CopyCollectionItemsData", {
        "copies": [{"move": True, "name_template": "{name}", "replace": True, "source_items": {"collection": "c"},
                    "target_collection": 7, "unembargo": True, "variables": {"a": 1}}]}),
    ("server", "create_child_workspace", "CreateChildWorkspaceData", {"prefix": "base", "suffix": "child"}),
    ("server", "generatesuiteindexes", "GenerateSuiteIndexesData", {
        "generate_at": "2024-05-01T12:00:00Z", "suite_collection": "sid@debian:suite"}),
    ("signing", "noop", "SigningNoopData", {"result": "success"}),
    ("signing", "generatekey", "GenerateKeyData", {"description": "key", "purpose": "openpgp"}),
    ("signing", "sign", "SignData", {"key": "ABC", "purpose": "uefi", "unsigned": [1]}),
    ("signing", "debsign", "DebsignData", {"key": "ABC", "unsigned": 1}),
    ("signing", "signrepositoryindex", "SignRepositoryIndexData", {
        "mode": "detached", "signed_name": "Release.gpg", "suite_collection": "sid@debian:suite", "unsigned": 1}),
]
# Values of other types put in place of each value.
REPLACEMENTS = [None, 1.5, 2.0, "x", [], {}, True, -1, ["a", "a"]]
# Values that probe a field's own rules, tried on every string field and every list field.
STRING_PROBES = ["", "a/b", "a:b", "all", "external", "auto", "unshare", "file:///etc/keyring.gpg", "x/"]
LIST_PROBES = [["all"], ["any", "all"], [{}], [1.5], [[1]], [{"collection": "c", "name": "n", "name__startswith": "m"}],
               [1, 2, 3], [1.5, 2, 3], [2.0, "x"]]


def sorted_object(value):
    if isinstance(value, dict):
        return {key: sorted_object(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [sorted_object(element) for element in value]
    return value


def mutations(value, absent=()):
    """Every one-change variant of `value` (an object), recursing into nested objects and list elements; the
    model's fields in `absent` (left out of the sample) are given each probing value in turn."""
    for key in absent:
        for replacement in REPLACEMENTS + STRING_PROBES + LIST_PROBES:
            yield {**value, key: replacement}
    for key in value:
        without = dict(value)
        del without[key]
        yield without
        probes = STRING_PROBES if isinstance(value[key], str) else LIST_PROBES if isinstance(value[key], list) else []
        for replacement in REPLACEMENTS + probes:
            if replacement != value[key]:
                yield {**value, key: replacement}
        nested = value[key]
        if isinstance(nested, dict):
            for variant in mutations(nested):
                yield {**value, key: variant}
        if isinstance(nested, list) and nested and isinstance(nested[0], dict):
            for variant in mutations(nested[0]):
                yield {**value, key: [variant] + nested[1:]}
    yield {**value, "unknown_field": 1}


def message(model, data):
    try:
        model.model_validate(data)
        return None
    except pydantic.ValidationError as error:
        # The last line of each error links to pydantic's documentation of the installed version.
        return "\n".join(line for line in str(error).split("\n") if not line.startswith("    For further information"))


def main():
    models = load_models()
    cases = []
    seen = set()
    for task_type, task_name, model_name, sample in SAMPLES:
        model = models[model_name]
        absent = [field.alias or name for name, field in model.model_fields.items() if (field.alias or name) not in sample]
        for data in [sample, *mutations(sample, absent)]:
            data = sorted_object(data)
            key = task_type + task_name + json.dumps(data, sort_keys=True)
            if key in seen:
                continue
            seen.add(key)
            cases.append({"type": task_type, "task": task_name, "model": model_name, "data": data,
                          "error": message(model, data)})
    # One case per line, so a regenerated fixture diffs case by case.
    sys.stdout.write(f'{{"debusine": "0.16.2", "pydantic": "{pydantic.VERSION}", "cases": [\n')
    sys.stdout.write(",\n".join(json.dumps(case, sort_keys=True) for case in cases))
    sys.stdout.write("\n]}\n")


if __name__ == "__main__":
    main()
