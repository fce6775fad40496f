import KilnCore

/// The lookup scenario table: scenarios 31–41 (Debusine tests of `server/collections/tests/test_lookup.py`: 31
/// `test_empty_lookup`, 32 `test_specific_artifact_integer`, 33 `test_specific_artifact_restricts_workspace`, 34
/// `test_implicit_category`, 35 `test_collection_member`, 36 `test_no_lookup_through_artifact`, 37
/// `LookupMultipleTests.test_expect_type`, 38 `test_name_matcher`/`test_data_matchers`, 39 `test_alternatives`, 40
/// `test_artifact_expired`, 41 `test_internal_collection`/`ReconstructLookupTests`) plus per-handler coverage, each
/// with its exact answer over `LookupFixture`. Any `LookupResolving` over a store filled with the fixture must pass
/// every row.
public enum LookupScenarios {
    typealias W = LookupFixture.Workspace
    typealias C = LookupFixture.Collection
    typealias R = LookupResultSummary

    static let bookworm = "bookworm@debian:suite"
    static let archiveName = "_@debian:archive"
    static let environments = "debian@debian:environments"
    static let suiteCategory = KnownCategories.suite
    static let inWorkflow = LookupContext(workspaceID: W.developers, workflowRootID: LookupFixture.workflowRootID)

    /// Every scenario.
    public static let all: [LookupScenario] =
        specScenarios + inheritance + suite + archive + environmentSegments + environmentLookups + otherCategories
        + types

    /// The rows implementing lookup scenario `number`.
    public static func spec(_ number: Int) -> [LookupScenario] { all.filter { $0.specScenario == number } }

    /// The rows of an additional-coverage group.
    public static func group(_ name: String) -> [LookupScenario] { all.filter { $0.group == name } }

    // MARK: scenarios 31–41 (Debusine `server/collections/tests/test_lookup.py`)

    static let specScenarios: [LookupScenario] = [
        LookupScenario(spec: 31, group: "spec", "empty string", lookup: "", expected: .invalid("Empty lookup")),
        LookupScenario(
            spec: 32,
            group: "spec",
            "integer where an artifact is expected",
            lookup: 42,
            expect: .artifact,
            expected: .result(.artifact(42))
        ),
        LookupScenario(
            spec: 32,
            group: "spec",
            "integer where a collection is expected",
            lookup: 11,
            expect: .collection,
            expected: .result(.collection(C.bookwormTest))
        ),
        LookupScenario(
            spec: 32,
            group: "spec",
            "integer without expectation",
            lookup: 42,
            expected: .invalid("Integer lookups only work in contexts that expect an artifact or a collection")
        ),
        LookupScenario(
            spec: 33,
            group: "spec",
            "private artifact, anonymous, other private workspace",
            lookup: "300@artifacts",
            context: LookupContext(workspaceID: W.privateP1),
            expected: .notFound("'300@artifacts' does not exist or is hidden")
        ),
        LookupScenario(
            spec: 33,
            group: "spec",
            "private artifact by integer",
            lookup: 300,
            expect: .artifact,
            context: LookupContext(workspaceID: W.privateP1),
            expected: .notFound("'300@artifacts' does not exist or is hidden")
        ),
        LookupScenario(
            spec: 33,
            group: "spec",
            "private artifact, member",
            lookup: "300@artifacts",
            context: LookupContext(workspaceID: W.privateP1, user: "alice"),
            expected: .result(.artifact(300))
        ),
        LookupScenario(
            spec: 33,
            group: "spec",
            "public artifact from anywhere",
            lookup: "42@artifacts",
            context: LookupContext(workspaceID: W.privateP1),
            expected: .result(.artifact(42))
        ),
        LookupScenario(
            spec: 34,
            group: "spec",
            "bare name takes the default category",
            lookup: "bookworm",
            defaultCategory: suiteCategory,
            expected: .result(.collection(C.bookwormSuite))
        ),
        LookupScenario(
            spec: 34,
            group: "spec",
            "the other default category finds the other collection",
            lookup: "bookworm",
            defaultCategory: "debusine:test",
            expected: .result(.collection(C.bookwormTest))
        ),
        LookupScenario(
            spec: 34,
            group: "spec",
            "bare name without default",
            lookup: "debian",
            expected: .invalid("'debian' does not specify a category and the context does not supply a default")
        ),
        LookupScenario(
            spec: 35,
            group: "spec",
            "source: segment",
            lookup: "bookworm@debian:suite/source:src1",
            expected: .result(.artifactItem(210, artifact: 101, in: bookworm))
        ),
        LookupScenario(
            spec: 35,
            group: "spec",
            "implicit name: segment",
            lookup: "bookworm@debian:suite/src2_2.0",
            expected: .result(.artifactItem(211, artifact: 102, in: bookworm))
        ),
        LookupScenario(
            spec: 35,
            group: "spec",
            "missing item",
            lookup: "bullseye@debian:suite/source:src1",
            expected: .notFound("'bullseye@debian:suite' has no item 'source:src1'")
        ),
        LookupScenario(
            spec: 36,
            group: "spec",
            "traversing past an artifact",
            lookup: "bookworm@debian:suite/src1_1.0/foo",
            expected: .invalid(
                "'bookworm@debian:suite/src1_1.0' is of type 'artifact' instead of expected 'collection'"
            )
        ),
        LookupScenario(
            spec: 37,
            group: "spec",
            "bare results where artifacts are expected",
            .multiple,
            lookup: ["collection": "internal@collections", "child_type": "bare"],
            expect: .artifact,
            context: inWorkflow,
            // Debusine `server/collections/tests/test_lookup.py` `LookupMultipleTests.test_expect_type`: the
            // lookup is shown as the Python dict `export()` gives, in its key order.
            expected: .invalid(
                "Result from {'collection': 'internal@collections', 'child_type': 'bare'} is of type 'bare' "
                    + "instead of expected 'artifact'"
            )
        ),
        LookupScenario(
            spec: 37,
            group: "spec",
            "no results, no type error",
            .multiple,
            lookup: ["collection": "empty@debusine:test", "child_type": "bare"],
            expect: .artifact,
            expected: .results([])
        ),
        LookupScenario(
            spec: 37,
            group: "spec",
            "a promise is accepted as artifact-or-promise",
            .multiple,
            lookup: ["collection": "internal@collections", "child_type": "bare", "category": "debusine:promise"],
            expect: .artifactOrPromise,
            context: inWorkflow,
            expected: .results([.bareItem(240, in: "internal@collections")])
        ),
        LookupScenario(
            spec: 37,
            group: "spec",
            "child_type artifact-or-promise",
            .multiple,
            lookup: ["collection": "internal@collections", "child_type": "artifact-or-promise"],
            expect: .artifactOrPromise,
            context: inWorkflow,
            expected: .results([
                .bareItem(240, in: "internal@collections"),
                .artifactItem(241, artifact: 140, in: "internal@collections"),
            ])
        ),
        LookupScenario(
            spec: 37,
            group: "spec",
            // Debusine `server/collections/tests/test_lookup.py` `LookupMultipleTests.test_expect_type`, row
            // `("bare", ARTIFACT_OR_PROMISE, [bare_item])`: the expectation admits any bare item.
            "any bare item passes artifact-or-promise",
            .multiple,
            lookup: ["collection": "internal@collections", "child_type": "bare"],
            expect: .artifactOrPromise,
            context: inWorkflow,
            expected: .results([.bareItem(240, in: "internal@collections"), .bareItem(242, in: "internal@collections")])
        ),
        LookupScenario(
            spec: 37,
            group: "spec",
            // Debusine `server/collections/tests/test_lookup.py` `LookupMultipleTests.test_expect_type`: the
            // expected type is named as the enum member, `artifact_or_promise`.
            "a collection is no artifact_or_promise",
            .multiple,
            lookup: ["collection": "internal@collections", "child_type": "collection"],
            expect: .artifactOrPromise,
            context: inWorkflow,
            expected: .results([])
        ),
        LookupScenario(
            spec: 37,
            group: "spec",
            "single promise as artifact-or-promise",
            lookup: "internal@collections/build-arm64",
            expect: .artifactOrPromise,
            context: inWorkflow,
            expected: .result(.bareItem(240, in: "internal@collections"))
        ),
        LookupScenario(
            spec: 37,
            group: "spec",
            // Debusine `server/collections/lookup.py` `_lookup_result_expected`: any bare item passes.
            "single non-promise bare item as artifact-or-promise",
            lookup: "internal@collections/notes",
            expect: .artifactOrPromise,
            context: inWorkflow,
            expected: .result(.bareItem(242, in: "internal@collections"))
        ),
        LookupScenario(
            spec: 37,
            group: "spec",
            // Debusine `server/collections/tests/test_lookup.py` `LookupSingleTests.test_expect_type`.
            "a collection is no artifact_or_promise",
            lookup: "bookworm@debian:suite",
            expect: .artifactOrPromise,
            expected: .invalid(
                "'bookworm@debian:suite' is of type 'collection' instead of expected 'artifact_or_promise'"
            )
        ),
        LookupScenario(
            spec: 38,
            group: "spec",
            "name__startswith",
            .multiple,
            lookup: ["collection": "names@debusine:test", "name__startswith": "foo"],
            expected: .results([names(250), names(251)])
        ),
        LookupScenario(
            spec: 38,
            group: "spec",
            "name__endswith",
            .multiple,
            lookup: ["collection": "names@debusine:test", "name__endswith": "bar"],
            expected: .results([names(251), names(252)])
        ),
        LookupScenario(
            spec: 38,
            group: "spec",
            "name__contains",
            .multiple,
            lookup: ["collection": "names@debusine:test", "name__contains": "oo"],
            expected: .results([names(250), names(251)])
        ),
        LookupScenario(
            spec: 38,
            group: "spec",
            // Django's `name__contains=""` is `LIKE '%%'`: every name.
            "name__contains with the empty string matches every item",
            .multiple,
            lookup: ["collection": "names@debusine:test", "name__contains": ""],
            expected: .results([names(250), names(251), names(252)])
        ),
        LookupScenario(
            spec: 38,
            group: "spec",
            // Django's `KT("data__tags")` is PostgreSQL's `->>`: a list is compared as jsonb writes it.
            "data__KEY compares a list as PostgreSQL's jsonb text",
            .multiple,
            lookup: ["collection": "names@debusine:test", "data__tags": #"["a", "b"]"#],
            expected: .results([names(250)])
        ),
        LookupScenario(
            spec: 38,
            group: "spec",
            "data__KEY does not match a list by its compact JSON",
            .multiple,
            lookup: ["collection": "names@debusine:test", "data__tags": #"["a","b"]"#, "error_on_empty": false],
            expected: .results([])
        ),
        LookupScenario(
            spec: 38,
            group: "spec",
            "data__KEY matches an integer",
            .multiple,
            lookup: ["collection": "names@debusine:test", "data__some_id": 123],
            expected: .results([names(251)])
        ),
        LookupScenario(
            spec: 38,
            group: "spec",
            "integer filter matches string data as text",
            .multiple,
            lookup: ["collection": "names@debusine:test", "data__some_id": 124],
            expected: .results([names(252)])
        ),
        LookupScenario(
            spec: 38,
            group: "spec",
            "name exact",
            .multiple,
            lookup: ["collection": "names@debusine:test", "name": "foo"],
            expected: .results([names(250)])
        ),
        LookupScenario(
            spec: 38,
            group: "spec",
            "name__in",
            .multiple,
            lookup: ["collection": "names@debusine:test", "name__in": ["rebar", "foo"]],
            expected: .results([names(250), names(252)])
        ),
        LookupScenario(
            spec: 38,
            group: "spec",
            "data__KEY__in",
            .multiple,
            lookup: ["collection": "names@debusine:test", "data__some_id__in": [7, "123"]],
            expected: .results([names(250), names(251)])
        ),
        LookupScenario(
            spec: 38,
            group: "spec",
            "a null data field matches nothing",
            .multiple,
            lookup: ["collection": "names@debusine:test", "data__note__contains": "u"],
            expected: .results([])
        ),
        LookupScenario(
            spec: 39,
            group: "spec",
            "list of dictionaries, string and integer",
            .multiple,
            lookup: [
                ["collection": "trixie", "data__package": "libc6-dev", "data__version": "2.37-15"],
                ["collection": "trixie", "name__startswith": "debhelper_13.15.3_"],
                "42@artifacts", 140,
            ],
            expect: .artifact,
            defaultCategory: suiteCategory,
            expected: .results([
                .artifactItem(202, artifact: 121, in: "trixie@debian:suite"),
                .artifactItem(204, artifact: 123, in: "trixie@debian:suite"),
                .artifactItem(205, artifact: 124, in: "trixie@debian:suite"),
                .artifact(42), .artifact(140),
            ])
        ),
        LookupScenario(
            spec: 40,
            group: "spec",
            "first artifact deleted",
            .multiple,
            lookup: [.int(LookupFixture.deletedArtifactID), 42],
            expect: .artifact,
            expected: .notFound("'4242@artifacts' does not exist or is hidden")
        ),
        LookupScenario(
            spec: 40,
            group: "spec",
            "a later artifact deleted",
            .multiple,
            lookup: ["42@artifacts", "4242@artifacts"],
            expect: .artifact,
            expected: .notFound("'4242@artifacts' does not exist or is hidden")
        ),
        LookupScenario(
            spec: 41,
            group: "spec",
            "internal@collections outside a workflow",
            lookup: "internal@collections",
            expected: .invalid("internal@collections is only valid in the context of a workflow")
        ),
        LookupScenario(
            spec: 41,
            group: "spec",
            "internal@collections inside a workflow",
            lookup: "internal@collections",
            expect: .collection,
            context: inWorkflow,
            expected: .result(.collection(C.workflowInternal))
        ),
        // Debusine 0.16 `LookupResult.reconstruct` gives a single lookup's result back as that lookup
        // (`ReconstructLookupTests.test_with_lookup_single`); the spec's `internal@collections` and
        // `…/name:…` forms are those of items a dictionary lookup found (`test_collection_item`).
        LookupScenario(
            spec: 41,
            group: "spec",
            "reconstructing the internal collection",
            .reconstructSingle,
            lookup: "internal@collections",
            context: inWorkflow,
            expected: .reconstructed(["internal@collections"])
        ),
        LookupScenario(
            spec: 41,
            group: "spec",
            "reconstructing the internal collection found by id gives the id back",
            .reconstructSingle,
            lookup: "15@collections",
            context: inWorkflow,
            expected: .reconstructed(["15@collections"])
        ),
        LookupScenario(
            spec: 41,
            group: "spec",
            "reconstructing an item of the internal collection found by a single lookup",
            .reconstructSingle,
            lookup: "internal@collections/build-amd64",
            context: inWorkflow,
            expected: .reconstructed(["internal@collections/build-amd64"])
        ),
        LookupScenario(
            spec: 41,
            group: "spec",
            "reconstructing a suite item found by a single lookup",
            .reconstructSingle,
            lookup: "bookworm@debian:suite/source:src1",
            expected: .reconstructed(["bookworm@debian:suite/source:src1"])
        ),
        LookupScenario(
            spec: 41,
            group: "spec",
            "reconstructing an artifact found by id gives the integer back",
            .reconstructSingle,
            lookup: 42,
            expect: .artifact,
            expected: .reconstructed([42])
        ),
        LookupScenario(
            spec: 41,
            group: "spec",
            "reconstructing a collection found with the default category",
            .reconstructSingle,
            lookup: "bookworm",
            defaultCategory: suiteCategory,
            expected: .reconstructed(["bookworm"])
        ),
        LookupScenario(
            spec: 41,
            group: "spec",
            "reconstructing the items a dictionary lookup found in the internal collection",
            .reconstructMultiple,
            lookup: [["collection": "internal@collections", "name": "build-amd64"]],
            context: inWorkflow,
            expected: .reconstructed(["internal@collections/name:build-amd64"])
        ),
        LookupScenario(
            spec: 41,
            group: "spec",
            "reconstructing a list: single lookups as written, dictionary items by collection and name",
            .reconstructMultiple,
            lookup: [42, ["collection": "bookworm@debian:suite", "child_type": "artifact", "name__startswith": "src1_1"]],
            expect: .artifact,
            expected: .reconstructed([42, "bookworm@debian:suite/name:src1_1.0"])
        ),
        LookupScenario(
            spec: 41,
            group: "spec",
            "reconstructing a dictionary's item keeps the collection lookup's options",
            .reconstructMultiple,
            lookup: ["collection": "//workspace=developers/bookworm@debian:suite", "name": "src1_1.0"],
            expected: .reconstructed(["//workspace=developers/bookworm@debian:suite/name:src1_1.0"])
        ),
    ]

    static func names(_ item: Int) -> R { .artifactItem(item, artifact: item - 100, in: "names@debusine:test") }

    // MARK: Inheritance, visibility and the workspace prefix

    static let inheritance: [LookupScenario] = [
        LookupScenario(
            group: "inheritance",
            "a hidden parent is skipped",
            lookup: "bookworm@debian:suite",
            context: LookupContext(workspaceID: W.child),
            expected: .result(.collection(C.bookwormSuite))
        ),
        LookupScenario(
            group: "inheritance",
            "a visible parent is searched first",
            lookup: "bookworm@debian:suite",
            context: LookupContext(workspaceID: W.child, user: "bob"),
            expected: .result(.collection(C.hiddenBookwormSuite))
        ),
        LookupScenario(
            group: "inheritance",
            "an inheritance cycle ends",
            lookup: "bookworm@debian:suite",
            context: LookupContext(workspaceID: W.loopA),
            expected: .notFound("'bookworm@debian:suite' does not exist or is hidden")
        ),
        LookupScenario(
            group: "inheritance",
            "workspace prefix, member",
            lookup: "//workspace=private-p0/p0suite@debian:suite",
            context: LookupContext(workspaceID: W.developers, user: "alice"),
            expected: .result(.collection(C.privateSuite))
        ),
        LookupScenario(
            group: "inheritance",
            // Debusine `server/collections/tests/test_lookup.py` `LookupSingleTests.test_lookup_with_private_workspace`.
            "workspace prefix, hidden",
            lookup: "//workspace=private-p0/p0suite@debian:suite",
            expected: .invalid("Invalid or hidden workspace in lookup options: scope='debian' workspace='private-p0'")
        ),
        LookupScenario(
            group: "inheritance",
            // `LookupSingleTests.test_lookup_with_unknown_workspace`.
            "workspace prefix, unknown workspace",
            lookup: "//workspace=nope/bookworm@debian:suite",
            expected: .invalid("Invalid or hidden workspace in lookup options: scope='debian' workspace='nope'")
        ),
        LookupScenario(
            group: "inheritance",
            // `LookupSingleTests.test_lookup_in_invalid_scope`: the scope shown is the one given.
            "workspace prefix, unknown scope",
            lookup: "//scope=nope:workspace=developers/bookworm@debian:suite",
            expected: .invalid("Invalid or hidden workspace in lookup options: scope='nope' workspace='developers'")
        ),
        LookupScenario(
            group: "inheritance",
            // `LookupSingleTests.test_lookup_with_unknown_option`.
            "unknown lookup option",
            lookup: "//invalid=value/bookworm@debian:suite",
            expected: .invalid("Unknown lookup option: 'invalid'")
        ),
        LookupScenario(
            group: "inheritance",
            // `LookupSingleTests.test_lookup_scope_without_workspace`.
            "scope without workspace",
            lookup: "//scope=debian/bookworm@debian:suite",
            expected: .invalid("The 'scope' lookup option requires the 'workspace' one")
        ),
        LookupScenario(
            group: "inheritance",
            // Debusine's `_process_lookup_options` walks the options in the order written.
            "options are checked in order",
            lookup: "//workspace=nope:invalid=value/bookworm@debian:suite",
            expected: .invalid("Invalid or hidden workspace in lookup options: scope='debian' workspace='nope'")
        ),
        LookupScenario(
            group: "inheritance",
            // The options dict of `_parse_key_value_string`: a repeated key keeps its last value.
            "a repeated option keeps its last value",
            lookup: "//workspace=nope:workspace=developers/bookworm@debian:suite",
            expected: .result(.collection(C.bookwormSuite))
        ),
        LookupScenario(
            group: "inheritance",
            // `lookup_single` checks the options before the first segment, whatever it is.
            "options are checked for an id lookup too",
            lookup: "//workspace=nope/42@artifacts",
            expected: .invalid("Invalid or hidden workspace in lookup options: scope='debian' workspace='nope'")
        ),
        LookupScenario(
            group: "inheritance",
            // `parse_lookup_string`: without a closing `/` there are no options, and the first segment is ''.
            "an options prefix without its closing slash",
            lookup: "//workspace=developers",
            expected: .invalid("'' does not specify a category and the context does not supply a default")
        ),
        LookupScenario(
            group: "inheritance",
            "scope and workspace prefix",
            lookup: "//scope=freexian:workspace=developers/bookworm@debian:suite",
            expected: .result(.collection(C.otherScopeBookwormSuite))
        ),
        LookupScenario(
            group: "inheritance",
            // Debusine `lookup_single`: `container_name = build_lookup_string(*segments[:i])`, without options.
            "a single lookup's parent lookup has no options",
            lookup: "//workspace=developers/bookworm@debian:suite/source:src1",
            expected: .result(.artifactItem(210, artifact: 101, in: bookworm))
        ),
        LookupScenario(
            group: "inheritance",
            "a single lookup's missing item is quoted without options",
            lookup: "//workspace=developers/bookworm@debian:suite/source:nope",
            expected: .notFound("'bookworm@debian:suite' has no item 'source:nope'")
        ),
        LookupScenario(
            group: "inheritance",
            // Debusine `server/collections/tests/test_lookup.py`
            // `LookupMultipleTests.test_collection_lookup_support_options`.
            "a dictionary lookup's parent lookup keeps the options",
            .multiple,
            lookup: ["collection": "//workspace=developers/bookworm@debian:suite", "name": "src1_1.0"],
            expected: .results([.artifactItem(210, artifact: 101, in: "//workspace=developers/bookworm@debian:suite")])
        ),
        LookupScenario(
            group: "inheritance",
            "a collection id needs only visibility",
            lookup: "10@collections",
            context: LookupContext(workspaceID: W.otherScope),
            expected: .result(.collection(C.bookwormSuite))
        ),
        LookupScenario(
            group: "inheritance",
            "a hidden collection id",
            lookup: "19@collections",
            expected: .notFound("'19@collections' does not exist or is hidden")
        ),
    ]

    // MARK: debian:suite

    /// `debian:archive` (Debusine `server/collections/debian_archive.py` `DebianArchiveManager.do_lookup`, tests
    /// `server/collections/tests/test_debian_archive.py` `test_lookup_source`, `test_lookup_binary`,
    /// `test_lookup_repository_index`): package queries search the exported suites of the archive's workspace, the
    /// highest version winning across them; `index:` the archive's own items.
    static let archive: [LookupScenario] = [
        LookupScenario(
            group: "archive",
            "source: searches the archive's workspace's exported suites only (another scope's suite has a newer hello)",
            lookup: "_@debian:archive/source:hello",
            expected: .result(.artifactItem(260, artifact: 160, in: archiveName))
        ),
        LookupScenario(
            group: "archive",
            "source: a suite with \"exported\": false is left out, even with a higher version",
            lookup: "_@debian:archive/source:src2",
            expected: .result(.artifactItem(211, artifact: 102, in: archiveName))
        ),
        LookupScenario(
            group: "archive",
            "source-version:",
            lookup: "_@debian:archive/source-version:src1_0.9",
            expected: .result(.artifactItem(209, artifact: 100, in: archiveName))
        ),
        LookupScenario(
            group: "archive",
            "binary: Architecture all serves s390x",
            lookup: "_@debian:archive/binary:foo-data_s390x",
            expected: .result(.artifactItem(213, artifact: 104, in: archiveName))
        ),
        LookupScenario(
            group: "archive",
            "binary-version:",
            lookup: "_@debian:archive/binary-version:foo_1.0_i386",
            expected: .result(.artifactItem(214, artifact: 105, in: archiveName))
        ),
        LookupScenario(
            group: "archive",
            "source: suites of other workspaces are not the archive's",
            lookup: "_@debian:archive/source:nothing-here",
            expected: .notFound("'_@debian:archive' has no item 'source:nothing-here'")
        ),
        LookupScenario(
            group: "archive",
            "index: the archive's own index, not a suite's",
            lookup: "_@debian:archive/index:Release",
            expected: .result(.artifactItem(281, artifact: 107, in: "_@debian:archive"))
        ),
        LookupScenario(
            group: "archive",
            "a query the archive does not know",
            lookup: "_@debian:archive/match:codename=bookworm",
            expected: .invalid("Unexpected lookup format: \"match:codename=bookworm\"")
        ),
    ]

    static let suite: [LookupScenario] = [
        LookupScenario(
            group: "suite",
            "source-version:",
            lookup: "bookworm@debian:suite/source-version:src1_0.9",
            expected: .result(.artifactItem(209, artifact: 100, in: bookworm))
        ),
        LookupScenario(
            group: "suite",
            "binary: takes the current binary",
            lookup: "bookworm@debian:suite/binary:foo_amd64",
            expected: .result(.artifactItem(212, artifact: 103, in: bookworm))
        ),
        LookupScenario(
            group: "suite",
            "binary: Architecture all serves amd64",
            lookup: "bookworm@debian:suite/binary:foo-data_amd64",
            expected: .result(.artifactItem(213, artifact: 104, in: bookworm))
        ),
        LookupScenario(
            group: "suite",
            "binary: all",
            lookup: "bookworm@debian:suite/binary:foo-data_all",
            expected: .result(.artifactItem(213, artifact: 104, in: bookworm))
        ),
        LookupScenario(
            group: "suite",
            "binary: _all does not match other architectures",
            lookup: "bookworm@debian:suite/binary:foo_all",
            expected: .notFound("'bookworm@debian:suite' has no item 'binary:foo_all'")
        ),
        LookupScenario(
            group: "suite",
            "binary-version:",
            lookup: "bookworm@debian:suite/binary-version:foo_0.9_amd64",
            expected: .result(.artifactItem(215, artifact: 106, in: bookworm))
        ),
        LookupScenario(
            group: "suite",
            // Debusine `server/collections/tests/test_debian_suite.py` `DebianSuiteManagerTests.test_lookup_binary`:
            // `Architecture: all` serves every architecture for binary-version: too.
            "binary-version: Architecture all serves amd64",
            lookup: "bookworm@debian:suite/binary-version:foo-data_1.0_amd64",
            expected: .result(.artifactItem(213, artifact: 104, in: bookworm))
        ),
        LookupScenario(
            group: "suite",
            "binary-version: other architectures do not",
            lookup: "bookworm@debian:suite/binary-version:foo_1.0_s390x",
            expected: .notFound("'bookworm@debian:suite' has no item 'binary-version:foo_1.0_s390x'")
        ),
        LookupScenario(
            group: "suite",
            "index: skips the removed index",
            lookup: "bookworm@debian:suite/index:Release",
            expected: .result(.artifactItem(217, artifact: 108, in: bookworm))
        ),
        LookupScenario(
            group: "suite",
            // Debusine `server/collections/debian_suite.py` `DebianSuiteManager.do_lookup` (tested by
            // `test_debian_suite.py` `DebianSuiteManagerTests.test_lookup_source`): the highest Debian version,
            // not the most recently added one.
            "source: current = highest version",
            lookup: "sid@debian:suite/source:hello",
            expected: .result(.artifactItem(260, artifact: 160, in: "sid@debian:suite"))
        ),
        LookupScenario(
            group: "suite",
            "explicit name:",
            lookup: "bookworm@debian:suite/name:src1_1.0",
            expected: .result(.artifactItem(210, artifact: 101, in: bookworm))
        ),
        LookupScenario(
            group: "suite",
            "match: is not a suite query",
            lookup: "bookworm@debian:suite/match:codename=bookworm",
            expected: .invalid(#"Unexpected lookup format: "match:codename=bookworm""#)
        ),
        LookupScenario(
            group: "suite",
            "lookup__binaries of one source",
            .multiple,
            lookup: ["collection": "bookworm@debian:suite", "lookup__binaries": "bookworm@debian:suite/source:src1"],
            expect: .artifact,
            expected: .results([
                .artifactItem(212, artifact: 103, in: bookworm), .artifactItem(213, artifact: 104, in: bookworm),
                .artifactItem(214, artifact: 105, in: bookworm),
            ])
        ),
        LookupScenario(
            group: "suite",
            "lookup__binaries of a list of sources",
            .multiple,
            lookup: [
                "collection": "bookworm",
                "lookup__binaries": [
                    "bookworm@debian:suite/source-version:src1_0.9", "bookworm@debian:suite/source-version:src1_1.0",
                ],
            ],
            expect: .artifact,
            defaultCategory: suiteCategory,
            expected: .results([
                .artifactItem(212, artifact: 103, in: bookworm), .artifactItem(213, artifact: 104, in: bookworm),
                .artifactItem(214, artifact: 105, in: bookworm), .artifactItem(215, artifact: 106, in: bookworm),
            ])
        ),
        LookupScenario(
            group: "suite",
            // Debusine `server/collections/tests/test_base.py`
            // `CollectionManagerInterfaceTests.test_lookup_filter_unexpected_format_raise_lookup_error`.
            "lookup__binaries outside a suite",
            .multiple,
            lookup: ["collection": "names@debusine:test", "lookup__binaries": "bookworm@debian:suite/source:src1"],
            expected: .invalid(#"Unexpected lookup filter format: "binaries""#)
        ),
        LookupScenario(
            group: "suite",
            // `test_debian_suite.py` `DebianSuiteManagerTests.test_do_lookup_filter_unexpected_format`.
            "an unknown lookup filter on a suite",
            .multiple,
            lookup: ["collection": "bookworm@debian:suite", "lookup__same_work_request": "12@artifacts"],
            expected: .invalid(#"Unexpected lookup filter format: "same_work_request""#)
        ),
        LookupScenario(
            group: "suite",
            // Debusine's `DebianSuiteManager.do_lookup_filter` looks for binaries built from each result; a
            // binary package has none, so nothing matches.
            "lookup__binaries of a binary",
            .multiple,
            lookup: [
                "collection": "bookworm@debian:suite", "lookup__binaries": "bookworm@debian:suite/binary:foo_amd64",
            ],
            expected: .results([])
        ),
        LookupScenario(
            group: "suite",
            // `do_lookup_filter` runs the sub-lookup with no default category.
            "lookup__binaries gets no default category",
            .multiple,
            lookup: ["collection": "bookworm", "lookup__binaries": "bookworm/source:src1"],
            defaultCategory: suiteCategory,
            expected: .invalid("'bookworm' does not specify a category and the context does not supply a default")
        ),
        LookupScenario(
            group: "suite",
            "removed items are not found",
            .multiple,
            lookup: ["collection": "trixie@debian:suite", "data__package": "debhelper"],
            expected: .results([
                .artifactItem(204, artifact: 123, in: "trixie@debian:suite"),
                .artifactItem(205, artifact: 124, in: "trixie@debian:suite"),
            ])
        ),
        LookupScenario(
            group: "suite",
            // Debusine `server/collections/tests/test_lookup.py` `LookupMultipleTests.test_error_on_empty`: a
            // LookupError showing the exported lookup as a Python dict.
            "error_on_empty",
            .multiple,
            lookup: ["collection": "empty@debusine:test", "error_on_empty": true],
            expected: .invalid("No results found from {'collection': 'empty@debusine:test', 'error_on_empty': True}")
        ),
        LookupScenario(
            group: "suite",
            // `LookupDict.export()` key order: collection, child_type, category, name, data (sorted), lookup,
            // error_on_empty.
            "error_on_empty shows every key in export order",
            .multiple,
            lookup: [
                "error_on_empty": true, "data__b": 1, "data__a__in": ["x", 2], "name__startswith": "n",
                "category": "debian:source-package", "child_type": "any", "collection": "empty@debusine:test",
            ],
            expected: .invalid(
                "No results found from {'collection': 'empty@debusine:test', 'child_type': 'any', "
                    + "'category': 'debian:source-package', 'name__startswith': 'n', 'data__a__in': ['x', 2], "
                    + "'data__b': 1, 'error_on_empty': True}"
            )
        ),
        LookupScenario(
            group: "suite",
            // Django's `__exact=None` is `IS NULL`: the data key is absent or null.
            "data__KEY null matches items without the key",
            .multiple,
            lookup: ["collection": "trixie@debian:suite", "data__package": "debhelper", "data__nothing": nil],
            expected: .results([
                .artifactItem(204, artifact: 123, in: "trixie@debian:suite"),
                .artifactItem(205, artifact: 124, in: "trixie@debian:suite"),
            ])
        ),
        LookupScenario(
            group: "suite",
            "data__KEY null does not match items with the key",
            .multiple,
            lookup: ["collection": "trixie@debian:suite", "data__package": nil],
            expected: .results([])
        ),
        LookupScenario(
            group: "suite",
            "dictionary with an integer collection",
            .multiple,
            lookup: ["collection": 17, "name": "foo"],
            expect: .artifact,
            expected: .results([.artifactItem(250, artifact: 150, in: "17@collections")])
        ),
    ]

    // MARK: debian:environments

    static let environmentSegments: [LookupScenario] = [
        LookupScenario(
            group: "environments",
            "most recently added active match",
            lookup: "debian@debian:environments/match:codename=bookworm:architecture=amd64",
            expected: .result(.artifactItem(224, artifact: 134, in: environments))
        ),
        LookupScenario(
            group: "environments",
            "format=image",
            lookup: "debian/match:format=image:codename=bookworm",
            defaultCategory: KnownCategories.environments,
            expected: .result(.artifactItem(222, artifact: 132, in: environments))
        ),
        LookupScenario(
            group: "environments",
            "format=tarball",
            lookup: "debian@debian:environments/match:format=tarball:backend=incus-vm",
            expected: .notFound("'debian@debian:environments' has no item 'match:format=tarball:backend=incus-vm'")
        ),
        LookupScenario(
            group: "environments",
            "an empty backend is a literal value, not \"none\"",
            lookup: "debian@debian:environments/match:architecture=amd64:variant=:backend=",
            expected: .notFound("'debian@debian:environments' has no item 'match:architecture=amd64:variant=:backend='")
        ),
        LookupScenario(
            group: "environments",
            "empty variant",
            lookup: "debian@debian:environments/match:codename=bookworm:variant=",
            expected: .result(.artifactItem(224, artifact: 134, in: environments))
        ),
        LookupScenario(
            group: "environments",
            "named variant",
            lookup: "debian@debian:environments/match:codename=bookworm:variant=lintian",
            expected: .result(.artifactItem(221, artifact: 131, in: environments))
        ),
        LookupScenario(
            group: "environments",
            "no match",
            lookup: "debian@debian:environments/match:codename=trixie",
            expected: .notFound("'debian@debian:environments' has no item 'match:codename=trixie'")
        ),
        LookupScenario(
            group: "environments",
            "source: is not an environments query",
            lookup: "debian@debian:environments/source:hello",
            expected: .invalid(#"Unexpected lookup format: "source:hello""#)
        ),
        LookupScenario(
            group: "environments",
            "name: works everywhere",
            lookup: "debian@debian:environments/name:tarball:bookworm:amd64",
            expected: .result(.artifactItem(220, artifact: 130, in: environments))
        ),
    ]

    static func executor(
        _ architecture: String,
        _ backend: String?,
        _ format: String?,
        _ taskName: String
    ) -> LookupScenario.Operation {
        .environment(architecture: architecture, backend: backend, format: format, taskName: taskName)
    }

    static let environmentLookups: [LookupScenario] = [
        LookupScenario(
            group: "lookupEnvironment",
            "variant=<task name> first",
            executor("amd64", "unshare", "tarball", "lintian"),
            lookup: "debian/match:codename=bookworm",
            expected: .result(.artifactItem(221, artifact: 131, in: environments))
        ),
        LookupScenario(
            group: "lookupEnvironment",
            "then no variant",
            executor("amd64", "unshare", "tarball", "sbuild"),
            lookup: "debian/match:codename=bookworm",
            expected: .result(.artifactItem(224, artifact: 134, in: environments))
        ),
        LookupScenario(
            group: "lookupEnvironment",
            "architecture added",
            executor("i386", "unshare", "tarball", "sbuild"),
            lookup: "debian/match:codename=bookworm",
            expected: .result(.artifactItem(223, artifact: 133, in: environments))
        ),
        LookupScenario(
            group: "lookupEnvironment",
            "nothing for the architecture",
            executor("arm64", "unshare", "tarball", "sbuild"),
            lookup: "debian/match:codename=bookworm",
            expected: .notFound(
                "'debian@debian:environments' has no item "
                    + "'match:codename=bookworm:architecture=arm64:format=tarball:backend=unshare:variant='"
            )
        ),
        LookupScenario(
            group: "lookupEnvironment",
            "image format and backend",
            executor("amd64", "incus-vm", "image", "autopkgtest"),
            lookup: "debian/match:codename=bookworm",
            expected: .result(.artifactItem(222, artifact: 132, in: environments))
        ),
        LookupScenario(
            group: "lookupEnvironment",
            "no format, no backend",
            executor("amd64", nil, nil, "lintian"),
            lookup: "debian/match:codename=bookworm",
            expected: .result(.artifactItem(221, artifact: 131, in: environments))
        ),
        LookupScenario(
            group: "lookupEnvironment",
            "the user's architecture wins",
            executor("amd64", "unshare", "tarball", "sbuild"),
            lookup: "debian/match:codename=bookworm:architecture=i386",
            expected: .result(.artifactItem(223, artifact: 133, in: environments))
        ),
        LookupScenario(
            group: "lookupEnvironment",
            "the user's variant is the only attempt",
            executor("amd64", "unshare", "tarball", "lintian"),
            lookup: "debian/match:codename=bookworm:variant=",
            expected: .result(.artifactItem(224, artifact: 134, in: environments))
        ),
        LookupScenario(
            group: "lookupEnvironment",
            "an id is used as is",
            executor("i386", "unshare", "tarball", "sbuild"),
            lookup: 130,
            expected: .result(.artifact(130))
        ),
        LookupScenario(
            group: "lookupEnvironment",
            "a name is used as is",
            executor("i386", "unshare", "tarball", "sbuild"),
            lookup: "debian/name:tarball:bookworm:amd64",
            expected: .result(.artifactItem(220, artifact: 130, in: environments))
        ),
        LookupScenario(
            group: "lookupEnvironment",
            "unknown format",
            executor("amd64", "unshare", "iso", "sbuild"),
            lookup: "debian/match:codename=bookworm",
            expected: .invalid("Unknown environment format 'iso': expected tarball or image")
        ),
    ]

    // MARK: Other categories

    static let otherCategories: [LookupScenario] = [
        LookupScenario(
            group: "name-only",
            "task-configuration name:",
            lookup: "default@debusine:task-configuration/noop-global",
            expect: .bare,
            expected: .result(.bareItem(230, in: "default@debusine:task-configuration"))
        ),
        LookupScenario(
            group: "name-only",
            "task-configuration default category",
            lookup: "default/noop-global",
            expect: .bare,
            defaultCategory: KnownCategories.taskConfiguration,
            expected: .result(.bareItem(230, in: "default@debusine:task-configuration"))
        ),
        LookupScenario(
            group: "name-only",
            "task-configuration has only name:",
            lookup: "default@debusine:task-configuration/source:noop",
            expected: .invalid(#"Unexpected lookup format: "source:noop""#)
        ),
        LookupScenario(
            group: "name-only",
            "missing task-configuration collection is not found",
            lookup: "missing",
            defaultCategory: KnownCategories.taskConfiguration,
            expected: .notFound("'missing@debusine:task-configuration' does not exist or is hidden")
        ),
        LookupScenario(
            group: "name-only",
            "workflow-internal has only name:",
            lookup: "internal@collections/binary:foo_amd64",
            context: inWorkflow,
            expected: .invalid(#"Unexpected lookup format: "binary:foo_amd64""#)
        ),
        LookupScenario(
            group: "name-only",
            "any other category has only name:",
            lookup: "names@debusine:test/index:Release",
            expected: .invalid(#"Unexpected lookup format: "index:Release""#)
        ),
    ]

    // MARK: Types

    static let types: [LookupScenario] = [
        // Debusine `server/collections/lookup.py` `_normalize_lookup_segments` writes the default category in before
        // `_lookup_single_first` reads the segment.
        LookupScenario(
            group: "types",
            "a bare id with the default category artifacts is that artifact",
            lookup: "42",
            expect: .artifact,
            defaultCategory: "artifacts",
            expected: .result(.artifact(42))
        ),
        LookupScenario(
            group: "types",
            "a bare id with the default category collections is that collection",
            lookup: "10",
            expect: .collection,
            defaultCategory: "collections",
            expected: .result(.collection(C.bookwormSuite))
        ),
        LookupScenario(
            group: "types",
            "internal with the default category collections is the workflow's internal collection",
            lookup: "internal",
            expect: .collection,
            defaultCategory: "collections",
            context: inWorkflow,
            expected: .result(.collection(C.workflowInternal))
        ),
        // Django answers an out-of-range id with no row.
        LookupScenario(
            group: "types",
            "an id too large for any row does not exist",
            lookup: "99999999999999999999@artifacts",
            expected: .notFound("'99999999999999999999@artifacts' does not exist or is hidden")
        ),
        LookupScenario(
            group: "types",
            "a collection where an artifact is expected",
            lookup: "bookworm@debian:suite",
            expect: .artifact,
            expected: .invalid("'bookworm@debian:suite' is of type 'collection' instead of expected 'artifact'")
        ),
        LookupScenario(
            group: "types",
            "bare where an artifact is expected",
            lookup: "default@debusine:task-configuration/noop-global",
            expect: .artifact,
            expected: .invalid(
                "'default@debusine:task-configuration/noop-global' is of type 'bare' instead of expected 'artifact'"
            )
        ),
        LookupScenario(
            group: "types",
            "an integer quoted bare",
            lookup: 10,
            expect: .collection,
            expected: .result(.collection(C.bookwormSuite))
        ),
        LookupScenario(
            group: "types",
            "a collection item",
            lookup: "nested@debusine:test/inner",
            expect: .collection,
            expected: .result(.collectionItem(270, collection: C.empty, in: "nested@debusine:test"))
        ),
        LookupScenario(
            group: "types",
            "through a collection item",
            lookup: "nested@debusine:test/inner/anything",
            expected: .notFound("'nested@debusine:test/inner' has no item 'name:anything'")
        ),
        LookupScenario(
            group: "types",
            "past an artifact",
            lookup: "42@artifacts/foo",
            expected: .invalid("'42@artifacts' is of type 'artifact' instead of expected 'collection'")
        ),
    ]
}
