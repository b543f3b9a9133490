-- An experiment's metric and param keys, read from an index: each series and param row carries its run's experiment,
-- copied by a trigger when the row is written, so no code path that inserts rows (the log API, demo data, tests that
-- insert rows directly) has to know about it.
-- The migration runner sends each statement on its own (no transaction), so the order matters: the triggers come
-- before the backfill, which then only fills rows still without an experiment. The indexes are built last, plainly:
-- CONCURRENTLY cannot run in the transaction prisma migrate dev wraps a migration in for its shadow database (at
-- 300,000 series a build holds writes to these tables for half a second).

ALTER TABLE "RunParam" ADD COLUMN "experimentId" TEXT;
ALTER TABLE "MetricSeries" ADD COLUMN "experimentId" TEXT;

-- The bodies spell their semicolons as \073 (octal escapes of an E string): the migration runner splits the file at
-- every semicolon, even inside a function body.
CREATE FUNCTION "copy_run_experiment"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  NEW."experimentId" := (SELECT r."experimentId" FROM "Run" r WHERE r."id" = NEW."runId")\073
  RETURN NEW\073
END';

CREATE TRIGGER "RunParam_experiment" BEFORE INSERT OR UPDATE OF "runId", "experimentId" ON "RunParam"
  FOR EACH ROW EXECUTE FUNCTION "copy_run_experiment"();
CREATE TRIGGER "MetricSeries_experiment" BEFORE INSERT OR UPDATE OF "runId", "experimentId" ON "MetricSeries"
  FOR EACH ROW EXECUTE FUNCTION "copy_run_experiment"();

-- A run moved to another experiment takes its rows along.
CREATE FUNCTION "move_run_keys"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  UPDATE "RunParam" SET "experimentId" = NEW."experimentId" WHERE "runId" = NEW."id"\073
  UPDATE "MetricSeries" SET "experimentId" = NEW."experimentId" WHERE "runId" = NEW."id"\073
  RETURN NULL\073
END';

CREATE TRIGGER "Run_move_keys" AFTER UPDATE OF "experimentId" ON "Run"
  FOR EACH ROW WHEN (OLD."experimentId" IS DISTINCT FROM NEW."experimentId") EXECUTE FUNCTION "move_run_keys"();

UPDATE "RunParam" p SET "experimentId" = r."experimentId"
  FROM "Run" r WHERE r."id" = p."runId" AND p."experimentId" IS NULL;
UPDATE "MetricSeries" s SET "experimentId" = r."experimentId"
  FROM "Run" r WHERE r."id" = s."runId" AND s."experimentId" IS NULL;

CREATE INDEX "RunParam_experimentId_key_idx" ON "RunParam"("experimentId", "key");
CREATE INDEX "MetricSeries_experimentId_key_idx" ON "MetricSeries"("experimentId", "key");
