import { createTRPCRouter, ownedProcedure } from "@/server/api/trpc";
import { ownerOfEndpointNamed } from "@/server/auth/ownership";
import { listAsyncInvocations } from "@/server/services/async-inference/invocations";
import { asyncInvocationListOutput, listAsyncInvocationsInput } from "@/server/services/async-inference/schemas";

/** An endpoint's asynchronous invocations, for its team only (their payloads and results are the team's data). */
export const asyncInvocationsRouter = createTRPCRouter({
  list: ownedProcedure("endpoints:invoke", listAsyncInvocationsInput, (ctx, input) =>
    ownerOfEndpointNamed(ctx, input.endpointName),
  )
    .output(asyncInvocationListOutput)
    .query(({ ctx, input }) => listAsyncInvocations(ctx.service, input)),
});
