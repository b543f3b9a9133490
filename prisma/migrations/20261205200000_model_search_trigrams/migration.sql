-- Registry text search is a substring match (ILIKE '%text%') on model names and descriptions. Trigram GIN indexes
-- let PostgreSQL answer it from the index instead of reading every model. pg_trgm ships with PostgreSQL (contrib).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- CreateIndex
CREATE INDEX "RegisteredModel_name_trgm_idx" ON "RegisteredModel" USING GIN ("name" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "RegisteredModel_description_trgm_idx" ON "RegisteredModel" USING GIN ("description" gin_trgm_ops);
