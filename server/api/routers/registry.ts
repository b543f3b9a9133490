import { createTRPCRouter } from "../trpc";

export const registryRouter = createTRPCRouter({});
