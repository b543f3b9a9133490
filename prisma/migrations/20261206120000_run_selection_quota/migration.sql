-- How many selections a person saved in the last hour (the quota in run-selections.ts) is read from this index
CREATE INDEX "RunSelection_createdById_createdAt_idx" ON "RunSelection"("createdById", "createdAt");
