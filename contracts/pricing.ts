import { z } from "zod";

/** Shared by the service and the admin form (no server imports here: the browser bundles it). */
export const INSTANCE_TYPE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
export const PRICE_TARGETS = ["LOCAL", "SAGEMAKER", "KUBERNETES"] as const;

export const upsertPriceInput = z.object({
  name: z
    .string()
    .trim()
    .regex(INSTANCE_TYPE_PATTERN, "Use letters, digits, '.', '_' and '-' (at most 100 characters)"),
  target: z.enum(PRICE_TARGETS),
  hourlyUsd: z
    .number({ error: "Enter a price in dollars" })
    .positive("The hourly price must be more than 0")
    .max(10_000, "At most $10,000 an hour"),
  vcpus: z.number().int("Whole vCPUs").min(1).max(1024).nullable().default(null),
  memoryGib: z.number().positive("More than 0 GiB").max(100_000).nullable().default(null),
  gpus: z.number().int("Whole GPUs").min(0).max(64).default(0),
  source: z.string().trim().max(500).default(""),
});

/** One price as validated: what the admin form saves and what the seed inserts. */
export type PriceFields = z.output<typeof upsertPriceInput>;
