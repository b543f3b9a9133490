import { createCallerFactory, createTRPCRouter } from "./trpc";
import { adminRouter } from "./routers/admin";
import { alertsRouter } from "./routers/alerts";
import { costRouter } from "./routers/cost";
import { deploymentsRouter } from "./routers/deployments";
import { driftRouter } from "./routers/drift";
import { endpointsRouter } from "./routers/endpoints";
import { experimentsRouter } from "./routers/experiments";
import { monitoringRouter } from "./routers/monitoring";
import { registryRouter } from "./routers/registry";
import { sessionRouter } from "./routers/session";

export const appRouter = createTRPCRouter({
  session: sessionRouter,
  admin: adminRouter,
  alerts: alertsRouter,
  cost: costRouter,
  deployments: deploymentsRouter,
  drift: driftRouter,
  endpoints: endpointsRouter,
  experiments: experimentsRouter,
  monitoring: monitoringRouter,
  registry: registryRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
