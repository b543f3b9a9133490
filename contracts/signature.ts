import { z } from "zod";
import { MAX_INT4 } from "@/contracts/limits";

/** The element types a signature can name (the runtime converts JSON values to each of them). */
export const TENSOR_TYPES = ["float32", "float64", "int64", "string", "bool"] as const;

const tensorSpecSchema = z.object({
  name: z.string().trim().min(1).max(200),
  type: z.enum(TENSOR_TYPES),
  shape: z.array(z.number().int().min(-1).max(MAX_INT4).nullable()).max(16).optional(),
});

export const signatureSchema = z
  .object({
    inputs: z.array(tensorSpecSchema).min(1).max(1000),
    outputs: z.array(tensorSpecSchema).min(1).max(1000),
  })
  .meta({ id: "ModelSignature", description: "Named, typed inputs and outputs; a null or -1 dimension is variable" });

export type Signature = z.infer<typeof signatureSchema>;
export type TensorSpec = Signature["inputs"][number];
