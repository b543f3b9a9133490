-- A deployment waiting for a person to decide still holds its endpoint: one in progress per endpoint, as before.
DROP INDEX "Deployment_one_in_progress_per_endpoint";
CREATE UNIQUE INDEX "Deployment_one_in_progress_per_endpoint" ON "Deployment" ("endpointId")
  WHERE status IN ('QUEUED', 'RUNNING', 'ROLLING_BACK', 'AWAITING_DECISION');
