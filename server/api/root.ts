import { createCallerFactory, createTRPCRouter } from "./trpc";
import { adminRouter } from "./routers/admin";
import { deploymentsRouter } from "./routers/deployments";
import { experimentsRouter } from "./routers/experiments";
import { registryRouter } from "./routers/registry";
import { sessionRouter } from "./routers/session";

export const appRouter = createTRPCRouter({
  session: sessionRouter,
  admin: adminRouter,
  deployments: deploymentsRouter,
  experiments: experimentsRouter,
  registry: registryRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
