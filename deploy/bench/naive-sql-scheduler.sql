-- BM1's naive SQL scheduler: the strongest plain-SQL scheduler without client round trips, used as the
-- reference in deploy/bench/scheduler-e2e. Its tables, indexes and assignment loop are the reference's as
-- given (one pass = for each idle worker by id, the best pending work request whose required tags ⊆ the
-- worker's provided tags and whose provided tags ⊇ the worker's required tags, in priority-then-age order;
-- a drain repeats passes, freeing every worker between them, until one assigns nothing). Only the workload
-- differs: scheduler-e2e copies its own generated workload into these tables (psql variable :source names
-- the Kiln schema to copy from), so both schedulers see the same workers and work requests.
--   psql -v source=SCHEMA -c 'SET search_path TO naive_schema' -f naive-sql-scheduler.sql
\set ON_ERROR_STOP on
CREATE TABLE worker (id int PRIMARY KEY, provided text[] NOT NULL, required text[] NOT NULL,
                     concurrency int NOT NULL DEFAULT 1, running int NOT NULL DEFAULT 0);
CREATE TABLE wr (id bigserial PRIMARY KEY, status text NOT NULL, worker_id int REFERENCES worker,
                 priority int NOT NULL, created_at timestamptz NOT NULL,
                 required text[] NOT NULL, provided text[] NOT NULL);
INSERT INTO worker (id, provided, required, concurrency)
SELECT id, provided_tags, required_tags, concurrency FROM :"source".workers WHERE enabled AND connected_at IS NOT NULL;
INSERT INTO wr (id, status, priority, created_at, required, provided)
SELECT id, 'pending', priority_base + priority_adjustment, created_at, scheduler_tags_required, scheduler_tags_provided
FROM :"source".work_requests WHERE status = 'pending' AND worker_id IS NULL;
CREATE INDEX wr_required ON wr USING gin (required);
CREATE INDEX wr_provided ON wr USING gin (provided);
CREATE INDEX wr_queue ON wr (priority DESC, created_at) WHERE status = 'pending';
ANALYZE worker;
ANALYZE wr;

CREATE FUNCTION assign_pass() RETURNS int LANGUAGE plpgsql AS $$
DECLARE w record; pick bigint; n int := 0;
BEGIN
  FOR w IN SELECT * FROM worker WHERE running < concurrency ORDER BY id FOR UPDATE SKIP LOCKED LOOP
    SELECT id INTO pick FROM wr
     WHERE status = 'pending' AND worker_id IS NULL AND required <@ w.provided AND provided @> w.required
     ORDER BY priority DESC, created_at LIMIT 1 FOR UPDATE SKIP LOCKED;
    IF pick IS NOT NULL THEN
      UPDATE wr SET status = 'running', worker_id = w.id WHERE id = pick;
      UPDATE worker SET running = running + 1 WHERE id = w.id;
      n := n + 1;
    END IF;
  END LOOP;
  RETURN n;
END $$;
-- free every worker between passes, as if each finished its task instantly
CREATE FUNCTION drain() RETURNS TABLE(passes int, assigned int, seconds double precision) LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz := clock_timestamp(); k int; total int := 0; p int := 0;
BEGIN
  LOOP
    k := assign_pass(); p := p + 1; total := total + k;
    UPDATE worker SET running = 0;
    EXIT WHEN k = 0;
  END LOOP;
  RETURN QUERY SELECT p, total, extract(epoch FROM clock_timestamp() - t0)::double precision;
END $$;
