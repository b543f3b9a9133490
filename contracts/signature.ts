import { z } from "zod";

const tensorSpecSchema = z.object({
  name: z.string().trim().min(1).max(200),
  type: z.enum(["float32", "float64", "int64", "string", "bool"]),
  shape: z.array(z.number().int().min(-1).nullable()).max(16).optional(),
});

export const signatureSchema = z
  .object({
    inputs: z.array(tensorSpecSchema).min(1).max(1000),
    outputs: z.array(tensorSpecSchema).min(1).max(1000),
  })
  .meta({ id: "ModelSignature", description: "Named, typed inputs and outputs; a null or -1 dimension is variable" });

export type Signature = z.infer<typeof signatureSchema>;
export type TensorSpec = Signature["inputs"][number];
