-- A param's value as a number whenever the text reads as one (text PostgreSQL's numeric type accepts: the pattern
-- run-filter-sql.ts tested on every row until now), set by a trigger on every write of the row, so a numeric sort or
-- filter reads a column instead of testing and casting each value, and whether a key is numeric in an experiment is
-- one index probe. As in 20261205300000, each statement runs on its own: the trigger comes before the backfill.

ALTER TABLE "RunParam" ADD COLUMN "numericValue" DECIMAL;

-- ASCII classes only: \s and \d also match other scripts' spaces and digits, which the cast to numeric refuses (an
-- error here would refuse the write).
CREATE FUNCTION "param_numeric_value"("value" TEXT) RETURNS DECIMAL LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN "value" ~ '^[ \t\n\r\f\v]*[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]{1,3})?[ \t\n\r\f\v]*$'
    THEN "value"::numeric END
$$;

-- The body spells its semicolons as \073 (an E string): the migration runner splits the file at every semicolon.
CREATE FUNCTION "set_param_numeric_value"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  NEW."numericValue" := "param_numeric_value"(NEW."value")\073
  RETURN NEW\073
END';

CREATE TRIGGER "RunParam_numeric_value" BEFORE INSERT OR UPDATE OF "value", "numericValue" ON "RunParam"
  FOR EACH ROW EXECUTE FUNCTION "set_param_numeric_value"();

UPDATE "RunParam" SET "numericValue" = "param_numeric_value"("value");

-- Replaces ("experimentId", "key"): the same prefix, and a key's values that are not numbers come first in
-- descending order (nulls first), so whether a key is numeric is read from the index's first entry.
DROP INDEX "RunParam_experimentId_key_idx";
CREATE INDEX "RunParam_experimentId_key_numericValue_idx" ON "RunParam"("experimentId", "key", "numericValue");
