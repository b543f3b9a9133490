import { createCallerFactory, createTRPCRouter } from "@/server/api/trpc";
import { adminRouter } from "@/server/api/routers/admin";
import { alertsRouter } from "@/server/api/routers/alerts";
import { batchRouter } from "@/server/api/routers/batch";
import { asyncInvocationsRouter } from "@/server/api/routers/async-invocations";
import { costRouter } from "@/server/api/routers/cost";
import { deploymentsRouter } from "@/server/api/routers/deployments";
import { driftRouter } from "@/server/api/routers/drift";
import { endpointsRouter } from "@/server/api/routers/endpoints";
import { experimentsRouter } from "@/server/api/routers/experiments";
import { featuresRouter } from "@/server/api/routers/features";
import { labelsRouter } from "@/server/api/routers/labels";
import { abTestsRouter } from "@/server/api/routers/abtests";
import { goldenSetsRouter } from "@/server/api/routers/golden-sets";
import { latencyRouter } from "@/server/api/routers/latency";
import { qualityRouter } from "@/server/api/routers/quality";
import { registryRouter } from "@/server/api/routers/registry";
import { sessionRouter } from "@/server/api/routers/session";

export const appRouter = createTRPCRouter({
  session: sessionRouter,
  admin: adminRouter,
  alerts: alertsRouter,
  batch: batchRouter,
  asyncInvocations: asyncInvocationsRouter,
  cost: costRouter,
  deployments: deploymentsRouter,
  drift: driftRouter,
  endpoints: endpointsRouter,
  experiments: experimentsRouter,
  features: featuresRouter,
  labels: labelsRouter,
  abTests: abTestsRouter,
  goldenSets: goldenSetsRouter,
  latency: latencyRouter,
  quality: qualityRouter,
  registry: registryRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
