import { z } from "zod";
import { DEPLOYMENT_ENVIRONMENTS } from "@/contracts/enums";

/**
 * SageMaker's inference-component limits (API reference, CreateInferenceComponent and ProductionVariant
 * ManagedInstanceScaling): a copy reserves at least 128 MB and 0.25 CPU cores; the fleet's instance bounds go from 0.
 */
export const COMPONENT_LIMITS = {
  minMemoryMb: 128,
  maxMemoryMb: 786_432,
  minCpuCores: 0.25,
  maxCpuCores: 192,
  maxInstances: 100,
  maxCopies: 100,
} as const;

/**
 * How each copy of a version's component follows its traffic when the endpoint scales to zero: up to `maxCopies`,
 * about `invocationsPerCopy` requests a minute each, down to 0 copies when idle (then the fleet to 0 instances).
 */
export const componentScaleToZeroSchema = z.object({
  maxCopies: z.number().int().min(1).max(COMPONENT_LIMITS.maxCopies),
  invocationsPerCopy: z.number().int().min(1).max(1_000_000),
});

/**
 * A SageMaker endpoint that hosts its versions as inference components on one managed fleet: SageMaker keeps between
 * `minInstances` and `maxInstances` of `instanceType` running (0 lets it release them all), each version is a
 * component whose copies reserve `cpuCores` and `memoryMb`, and callers name the component of the version they call.
 */
export const componentHostingSchema = z
  .object({
    instanceType: z
      .string()
      .trim()
      .regex(/^ml\.[a-z0-9-]+\.[a-z0-9]+$/, "A SageMaker instance type, e.g. ml.m5.large"),
    minInstances: z.number().int().min(0).max(COMPONENT_LIMITS.maxInstances),
    maxInstances: z.number().int().min(1).max(COMPONENT_LIMITS.maxInstances),
    cpuCores: z
      .number()
      .min(COMPONENT_LIMITS.minCpuCores, "At least 0.25 cores")
      .max(COMPONENT_LIMITS.maxCpuCores)
      .multipleOf(0.25, "In quarters of a core"),
    memoryMb: z
      .number()
      .int("Whole megabytes")
      .min(COMPONENT_LIMITS.minMemoryMb, "At least 128 MB")
      .max(COMPONENT_LIMITS.maxMemoryMb),
    scaleToZero: componentScaleToZeroSchema.nullable(),
  })
  .strict()
  .refine((hosting) => hosting.minInstances <= hosting.maxInstances, {
    message: "The fewest instances cannot exceed the most",
    path: ["minInstances"],
  });
export type ComponentHosting = z.infer<typeof componentHostingSchema>;

/** The fleet of a component endpoint: SageMaker cannot change it under a serving endpoint without a new one. */
export const sameFleet = (a: ComponentHosting, b: ComponentHosting) =>
  a.instanceType === b.instanceType && a.minInstances === b.minInstances && a.maxInstances === b.maxInstances;

/**
 * Hosts a model's SageMaker endpoint in an environment as inference components (created with the endpoint's row when
 * it has none yet), or back on dedicated instances (null), from its next deployment.
 */
export const setComponentHostingInput = z.object({
  modelName: z.string().trim().min(1).max(200),
  environment: z.enum(DEPLOYMENT_ENVIRONMENTS),
  hosting: componentHostingSchema.nullable(),
});
