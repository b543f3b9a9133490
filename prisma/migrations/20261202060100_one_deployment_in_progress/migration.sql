-- Deployments that never reached an end (before this migration nothing could end in FAILED) are ended here, so the
-- index below can be created: only one deployment per endpoint may be in progress.
UPDATE "Deployment" d SET status = 'FAILED', "finishedAt" = now(),
  "failureReason" = 'Ended by the deployment-safety migration: another deployment of this endpoint was in progress'
WHERE status IN ('QUEUED', 'RUNNING')
  AND EXISTS (SELECT 1 FROM "Deployment" o WHERE o."endpointId" = d."endpointId" AND o.status IN ('QUEUED', 'RUNNING')
              AND o."createdAt" > d."createdAt");

-- One deployment in progress per endpoint (the Prisma schema cannot express a partial index, see schema.prisma).
CREATE UNIQUE INDEX "Deployment_one_in_progress_per_endpoint" ON "Deployment" ("endpointId")
  WHERE status IN ('QUEUED', 'RUNNING', 'ROLLING_BACK');
