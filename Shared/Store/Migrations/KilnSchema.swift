/// Kiln's PostgreSQL schema, as migrations. `deploy/docs/schema.md` explains every table.
///
/// Conventions: `bigint` identity keys; `text` plus a CHECK for enumerations (the values are Debusine's,
/// spelled exactly, so they can be compared with the core's raw values); `jsonb` for free-form data;
/// `timestamptz` everywhere; constraint names spelled out so `PGServerError.constraint` is meaningful.
enum KilnSchema {
    static let migrations: [Migration] = [
        initial, pendingStage, dynamicDataEpoch, workerLiveness, completionReport, supersedesIndex, outboxNotify,
        schedulerLeadership, outboxBackoff, selfRegistration, pendingStageData, collectionManagers, artifactFiles, artifactCreationKeys,
        poolFiles,
    ]

    /// Version 1: scopes, workspaces, users, groups, artifacts, collections, work requests, dependencies,
    /// workers, tokens, tag audit, outbox, inbox, leases.
    static let initial = Migration(
        version: 1,
        name: "initial schema",
        statements: [
            // MARK: scopes, workspaces, users, groups
            """
            CREATE TABLE scopes (
                id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                name       text NOT NULL CONSTRAINT scopes_name_key UNIQUE,
                created_at timestamptz NOT NULL DEFAULT now(),
                CONSTRAINT scopes_name_check CHECK (name ~ '^[A-Za-z][A-Za-z0-9_.+-]*$')
            )
            """,
            """
            CREATE TABLE users (
                id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                username   text NOT NULL CONSTRAINT users_username_key UNIQUE,
                is_active  boolean NOT NULL DEFAULT true,
                created_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            """
            CREATE TABLE workspaces (
                id                       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                scope_id                 bigint NOT NULL REFERENCES scopes (id) ON DELETE CASCADE,
                name                     text NOT NULL,
                is_public                boolean NOT NULL DEFAULT true,
                default_expiration_delay interval,
                created_at               timestamptz NOT NULL DEFAULT now(),
                CONSTRAINT workspaces_scope_name_key UNIQUE (scope_id, name)
            )
            """,
            // Lookups search a workspace, then these in `position` order (recursively, each visited once).
            """
            CREATE TABLE workspace_inheritance (
                workspace_id      bigint NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
                position          integer NOT NULL,
                inherits_from_id  bigint NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
                PRIMARY KEY (workspace_id, position),
                CONSTRAINT workspace_inheritance_parent_key UNIQUE (workspace_id, inherits_from_id),
                CONSTRAINT workspace_inheritance_not_self CHECK (workspace_id <> inherits_from_id)
            )
            """,
            """
            CREATE TABLE workspace_members (
                workspace_id bigint NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
                user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                role         text NOT NULL DEFAULT 'viewer'
                             CONSTRAINT workspace_members_role_check CHECK (role IN ('owner', 'contributor', 'viewer')),
                PRIMARY KEY (workspace_id, user_id)
            )
            """,
            // Groups belong to a scope, optionally narrowed to one workspace (`task:group:` tags, visibility).
            """
            CREATE TABLE groups (
                id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                scope_id     bigint NOT NULL REFERENCES scopes (id) ON DELETE CASCADE,
                workspace_id bigint REFERENCES workspaces (id) ON DELETE CASCADE,
                name         text NOT NULL,
                created_at   timestamptz NOT NULL DEFAULT now(),
                CONSTRAINT groups_scope_workspace_name_key UNIQUE NULLS NOT DISTINCT (scope_id, workspace_id, name)
            )
            """,
            """
            CREATE TABLE group_members (
                group_id bigint NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
                user_id  bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                PRIMARY KEY (group_id, user_id)
            )
            """,
            "CREATE INDEX group_members_user_idx ON group_members (user_id)",

            // MARK: workers
            """
            CREATE TABLE workers (
                id                          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                name                        text NOT NULL CONSTRAINT workers_name_key UNIQUE,
                worker_type                 text NOT NULL DEFAULT 'external'
                                            CONSTRAINT workers_worker_type_check
                                            CHECK (worker_type IN ('external', 'celery', 'signing', 'scheduler')),
                concurrency                 integer NOT NULL DEFAULT 1 CONSTRAINT workers_concurrency_check CHECK (concurrency >= 1),
                enabled                     boolean NOT NULL DEFAULT false,
                static_metadata             jsonb NOT NULL DEFAULT '{}'::jsonb,
                dynamic_metadata            jsonb NOT NULL DEFAULT '{}'::jsonb,
                dynamic_metadata_updated_at timestamptz,
                provided_tags               text[] NOT NULL DEFAULT '{}',
                required_tags               text[] NOT NULL DEFAULT '{}',
                tags_computed_at            timestamptz,
                queue_name                  text,
                registered_at               timestamptz NOT NULL DEFAULT now(),
                connected_at                timestamptz,
                instance_created_at         timestamptz
            )
            """,
            "CREATE INDEX workers_provided_tags_idx ON workers USING gin (provided_tags)",
            "CREATE INDEX workers_required_tags_idx ON workers USING gin (required_tags)",
            "CREATE INDEX workers_connected_idx ON workers (worker_type) WHERE connected_at IS NOT NULL AND enabled",

            // MARK: work requests
            """
            CREATE TABLE work_requests (
                id                      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                workspace_id            bigint NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
                created_at              timestamptz NOT NULL DEFAULT now(),
                created_by_id           bigint REFERENCES users (id) ON DELETE SET NULL,
                pending_at              timestamptz,
                started_at              timestamptz,
                completed_at            timestamptz,
                completed_by_id         bigint REFERENCES users (id) ON DELETE SET NULL,
                aborted_by_id           bigint REFERENCES users (id) ON DELETE SET NULL,
                task_type               text NOT NULL
                                        CONSTRAINT work_requests_task_type_check
                                        CHECK (task_type IN ('Worker', 'Server', 'Internal', 'Workflow', 'Signing', 'Wait')),
                task_name               text NOT NULL
                                        CONSTRAINT work_requests_task_name_check CHECK (length(task_name) BETWEEN 1 AND 100),
                task_data               jsonb NOT NULL DEFAULT '{}'::jsonb,
                configured_task_data    jsonb,
                dynamic_task_data       jsonb,
                version                 integer NOT NULL DEFAULT 0,
                status                  text NOT NULL DEFAULT 'blocked'
                                        CONSTRAINT work_requests_status_check
                                        CHECK (status IN ('blocked', 'pending', 'running', 'completed', 'aborted')),
                result                  text NOT NULL DEFAULT ''
                                        CONSTRAINT work_requests_result_check
                                        CHECK (result IN ('', 'success', 'failure', 'temporary failure', 'error', 'skipped')),
                worker_id               bigint REFERENCES workers (id) ON DELETE SET NULL,
                assignment_epoch        bigint NOT NULL DEFAULT 0,
                priority_base           integer NOT NULL DEFAULT 0,
                priority_adjustment     integer NOT NULL DEFAULT 0,
                output_data             jsonb,
                unblock_strategy        text NOT NULL DEFAULT 'deps'
                                        CONSTRAINT work_requests_unblock_strategy_check
                                        CHECK (unblock_strategy IN ('deps', 'manual', 'incremental')),
                parent_id               bigint REFERENCES work_requests (id) ON DELETE CASCADE,
                workflow_root_id        bigint REFERENCES work_requests (id) ON DELETE CASCADE,
                workflow_template_name  text,
                workflow_data           jsonb NOT NULL DEFAULT '{}'::jsonb,
                event_reactions         jsonb NOT NULL DEFAULT '{}'::jsonb,
                expiration_delay        interval,
                supersedes_id           bigint REFERENCES work_requests (id) ON DELETE SET NULL
                                        CONSTRAINT work_requests_supersedes_key UNIQUE,
                scheduler_tags_provided text[] NOT NULL DEFAULT '{}',
                scheduler_tags_required text[] NOT NULL DEFAULT '{}',
                updated_at              timestamptz NOT NULL DEFAULT now(),
                CONSTRAINT work_requests_blocked_unassigned CHECK (status <> 'blocked' OR worker_id IS NULL),
                CONSTRAINT work_requests_task_data_object CHECK (jsonb_typeof(task_data) = 'object')
            )
            """,
            // The scheduler's queue order, over pending unassigned rows only (Debusine `WorkRequest.Meta`
            // `pending_idx`).
            """
            CREATE INDEX work_requests_queue_idx ON work_requests
                ((priority_base + priority_adjustment) DESC, created_at, id)
                WHERE status = 'pending' AND worker_id IS NULL
            """,
            "CREATE INDEX work_requests_worker_idx ON work_requests (worker_id) WHERE status IN ('pending', 'running')",
            "CREATE INDEX work_requests_status_idx ON work_requests (status)",
            "CREATE INDEX work_requests_tags_provided_idx ON work_requests USING gin (scheduler_tags_provided)",
            "CREATE INDEX work_requests_tags_required_idx ON work_requests USING gin (scheduler_tags_required)",
            "CREATE INDEX work_requests_parent_idx ON work_requests (parent_id) WHERE parent_id IS NOT NULL",
            "CREATE INDEX work_requests_workflow_root_idx ON work_requests (workflow_root_id) WHERE workflow_root_id IS NOT NULL",
            """
            CREATE TABLE work_request_dependencies (
                work_request_id bigint NOT NULL REFERENCES work_requests (id) ON DELETE CASCADE,
                depends_on_id   bigint NOT NULL REFERENCES work_requests (id) ON DELETE CASCADE,
                PRIMARY KEY (work_request_id, depends_on_id),
                CONSTRAINT work_request_dependencies_not_self CHECK (work_request_id <> depends_on_id)
            )
            """,
            // Reverse dependencies: who waits on a work request that just completed.
            "CREATE INDEX work_request_dependencies_reverse_idx ON work_request_dependencies (depends_on_id)",

            // MARK: artifacts and collections
            """
            CREATE TABLE artifacts (
                id                         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                category                   text NOT NULL,
                workspace_id               bigint NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
                data                       jsonb NOT NULL DEFAULT '{}'::jsonb,
                created_at                 timestamptz NOT NULL DEFAULT now(),
                created_by_id              bigint REFERENCES users (id) ON DELETE SET NULL,
                created_by_work_request_id bigint REFERENCES work_requests (id) ON DELETE SET NULL,
                expire_at                  timestamptz
            )
            """,
            "CREATE INDEX artifacts_workspace_category_idx ON artifacts (workspace_id, category)",
            """
            CREATE INDEX artifacts_created_by_work_request_idx ON artifacts (created_by_work_request_id)
                WHERE created_by_work_request_id IS NOT NULL
            """,
            """
            CREATE TABLE collections (
                id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                name              text NOT NULL,
                category          text NOT NULL,
                workspace_id      bigint NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
                data              jsonb NOT NULL DEFAULT '{}'::jsonb,
                retains_artifacts text NOT NULL DEFAULT 'always'
                                  CONSTRAINT collections_retains_artifacts_check
                                  CHECK (retains_artifacts IN ('always', 'never', 'workflow')),
                created_at        timestamptz NOT NULL DEFAULT now(),
                CONSTRAINT collections_name_category_workspace_key UNIQUE (name, category, workspace_id),
                CONSTRAINT collections_name_check CHECK (name = '_' OR (name <> '' AND left(name, 1) <> '_'))
            )
            """,
            """
            CREATE TABLE collection_items (
                id                         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                parent_collection_id       bigint NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
                name                       text NOT NULL,
                child_type                 text NOT NULL
                                           CONSTRAINT collection_items_child_type_check
                                           CHECK (child_type IN ('bare', 'artifact', 'collection')),
                category                   text NOT NULL,
                data                       jsonb NOT NULL DEFAULT '{}'::jsonb,
                artifact_id                bigint REFERENCES artifacts (id) ON DELETE CASCADE,
                collection_id              bigint REFERENCES collections (id) ON DELETE CASCADE,
                created_at                 timestamptz NOT NULL DEFAULT now(),
                created_by_id              bigint REFERENCES users (id) ON DELETE SET NULL,
                created_by_work_request_id bigint REFERENCES work_requests (id) ON DELETE SET NULL,
                removed_at                 timestamptz,
                removed_by_id              bigint REFERENCES users (id) ON DELETE SET NULL,
                removed_by_work_request_id bigint REFERENCES work_requests (id) ON DELETE SET NULL,
                CONSTRAINT collection_items_child_matches_type CHECK (
                    (child_type = 'bare' AND artifact_id IS NULL AND collection_id IS NULL)
                    OR (child_type = 'artifact' AND artifact_id IS NOT NULL AND collection_id IS NULL)
                    OR (child_type = 'collection' AND collection_id IS NOT NULL AND artifact_id IS NULL))
            )
            """,
            // At most one active item per name per collection (Debusine `CollectionItem.Meta` `unique_active_name`).
            """
            CREATE UNIQUE INDEX collection_items_active_name_key ON collection_items (parent_collection_id, name)
                WHERE removed_at IS NULL
            """,
            """
            CREATE INDEX collection_items_active_category_idx ON collection_items (parent_collection_id, category, id)
                WHERE removed_at IS NULL
            """,
            "CREATE INDEX collection_items_artifact_idx ON collection_items (artifact_id) WHERE artifact_id IS NOT NULL",
            "CREATE INDEX collection_items_collection_idx ON collection_items (collection_id) WHERE collection_id IS NOT NULL",

            // MARK: tokens, tag audit, leases
            """
            CREATE TABLE tokens (
                id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                digest          text NOT NULL CONSTRAINT tokens_digest_key UNIQUE
                                CONSTRAINT tokens_digest_check CHECK (digest ~ '^[0-9a-f]{64}$'),
                kind            text NOT NULL
                                CONSTRAINT tokens_kind_check CHECK (kind IN ('worker', 'activation', 'work-request')),
                enabled         boolean NOT NULL DEFAULT true,
                comment         text NOT NULL DEFAULT '',
                created_at      timestamptz NOT NULL DEFAULT now(),
                expires_at      timestamptz,
                worker_id       bigint REFERENCES workers (id) ON DELETE CASCADE,
                work_request_id bigint REFERENCES work_requests (id) ON DELETE CASCADE,
                CONSTRAINT tokens_work_request_kind CHECK (kind <> 'work-request' OR work_request_id IS NOT NULL)
            )
            """,
            "CREATE INDEX tokens_worker_idx ON tokens (worker_id) WHERE worker_id IS NOT NULL",
            """
            CREATE TABLE tag_audit_events (
                id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                subject_kind text NOT NULL CONSTRAINT tag_audit_events_subject_kind_check CHECK (subject_kind IN ('wr', 'worker')),
                subject_id   bigint NOT NULL,
                tag          text NOT NULL,
                set_kind     text NOT NULL CONSTRAINT tag_audit_events_set_kind_check CHECK (set_kind IN ('provided', 'required')),
                provenance   text NOT NULL,
                action       text NOT NULL
                             CONSTRAINT tag_audit_events_action_check CHECK (action IN ('added', 'dropped', 'derived')),
                rule         text,
                at           timestamptz NOT NULL DEFAULT now()
            )
            """,
            "CREATE INDEX tag_audit_events_subject_idx ON tag_audit_events (subject_kind, subject_id, id)",
            // One live lease per work request; `epoch` is the fencing number a result must carry.
            """
            CREATE TABLE leases (
                work_request_id bigint PRIMARY KEY REFERENCES work_requests (id) ON DELETE CASCADE,
                worker_id       bigint NOT NULL REFERENCES workers (id) ON DELETE CASCADE,
                epoch           bigint NOT NULL,
                granted_at      timestamptz NOT NULL DEFAULT now(),
                renewed_at      timestamptz NOT NULL DEFAULT now(),
                expires_at      timestamptz NOT NULL
            )
            """,
            "CREATE INDEX leases_expires_at_idx ON leases (expires_at)",
            "CREATE INDEX leases_worker_idx ON leases (worker_id)",

            // MARK: outbox and inbox
            """
            CREATE TABLE outbox (
                id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                message_id   uuid NOT NULL CONSTRAINT outbox_message_id_key UNIQUE,
                exchange     text NOT NULL,
                routing_key  text NOT NULL,
                type         text NOT NULL,
                body         jsonb NOT NULL,
                headers      jsonb NOT NULL DEFAULT '{}'::jsonb,
                created_at   timestamptz NOT NULL DEFAULT now(),
                published_at timestamptz,
                attempts     integer NOT NULL DEFAULT 0,
                last_error   text
            )
            """,
            // The relay's claim query reads only unpublished rows, in id order.
            "CREATE INDEX outbox_unpublished_idx ON outbox (id) WHERE published_at IS NULL",
            "CREATE INDEX outbox_published_at_idx ON outbox (published_at) WHERE published_at IS NOT NULL",
            """
            CREATE TABLE inbox (
                consumer    text NOT NULL,
                message_id  text NOT NULL CONSTRAINT inbox_message_id_check CHECK (length(message_id) BETWEEN 1 AND 255),
                received_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (consumer, message_id)
            )
            """,
            "CREATE INDEX inbox_received_at_idx ON inbox (received_at)",
        ]
    )
}
