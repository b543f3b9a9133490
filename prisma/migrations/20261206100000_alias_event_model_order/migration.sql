-- The model page pages its alias history newest first across every alias: (createdAt, id) within a model
CREATE INDEX "AliasEvent_modelId_createdAt_id_idx" ON "AliasEvent"("modelId", "createdAt", "id");
