import { z } from "zod";

/**
 * SageMaker's asynchronous inference limits (developer guide, "Asynchronous inference"): payloads up to 1 GB read from
 * S3, up to an hour of processing each, a request kept queued at most six hours, 1–1,000 concurrent invocations per
 * instance. Real-time endpoints answer within 60 s and take about 6 MB.
 */
export const SAGEMAKER_ASYNC_LIMITS = {
  maxPayloadBytes: 1024 ** 3,
  maxInvocationTimeoutSeconds: 3600,
  maxRequestTtlSeconds: 21_600,
  minRequestTtlSeconds: 60,
  maxConcurrentInvocationsPerInstance: 1000,
} as const;

/**
 * How an asynchronous endpoint's instance count follows its queue (Application Auto Scaling on the variant): target
 * tracking keeps `ApproximateBacklogSizePerInstance` near `backlogPerInstance`; with `minInstances` 0 the endpoint
 * sleeps when the queue is empty and a request waiting with no instance (`HasBacklogWithoutCapacity`) wakes it.
 */
export const asyncScalingSchema = z
  .object({
    minInstances: z.number().int().min(0).max(100),
    maxInstances: z.number().int().min(1).max(100),
    backlogPerInstance: z.number().positive().max(10_000),
  })
  .refine((scaling) => scaling.minInstances <= scaling.maxInstances, {
    message: "The fewest instances cannot exceed the most",
    path: ["minInstances"],
  });
export type AsyncScaling = z.infer<typeof asyncScalingSchema>;

/** A SageMaker endpoint serving asynchronously: it takes only `InvokeEndpointAsync` calls, one live variant. */
export const asyncServingSchema = z.object({
  maxConcurrentInvocationsPerInstance: z
    .number()
    .int()
    .min(1)
    .max(SAGEMAKER_ASYNC_LIMITS.maxConcurrentInvocationsPerInstance),
  invocationTimeoutSeconds: z.number().int().min(1).max(SAGEMAKER_ASYNC_LIMITS.maxInvocationTimeoutSeconds),
  scaling: asyncScalingSchema.nullable(),
});
export type AsyncServing = z.infer<typeof asyncServingSchema>;

/** Turns an endpoint of SageMaker asynchronous (with these settings) or back to real time (null), from its next deployment. */
export const setAsyncServingInput = z.object({
  endpointId: z.string().min(1),
  serving: asyncServingSchema.nullable(),
});
export type SetAsyncServingInput = z.infer<typeof setAsyncServingInput>;
