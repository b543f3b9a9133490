import { createTRPCRouter } from "../trpc";

export const experimentsRouter = createTRPCRouter({});
