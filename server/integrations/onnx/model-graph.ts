import { z } from "zod";

/**
 * One input or output of a loaded ONNX graph, as onnxruntime describes it: a tensor's element type and shape (a
 * number is a fixed dimension, a string a symbolic one such as "batch", "" an unnamed variable one; an empty shape
 * means the graph does not say), or a non-tensor value (a sequence or a map).
 */
export const graphValueSchema = z.discriminatedUnion("isTensor", [
  z.object({
    name: z.string(),
    isTensor: z.literal(true),
    type: z.string(),
    shape: z.array(z.union([z.number().int(), z.string()])),
  }),
  z.object({ name: z.string(), isTensor: z.literal(false) }),
]);

/** The inputs and outputs of a graph onnxruntime loaded, in the graph's order (inputs exclude initializers). */
export const modelGraphSchema = z.object({
  inputs: z.array(graphValueSchema),
  outputs: z.array(graphValueSchema),
});

export type GraphValue = z.infer<typeof graphValueSchema>;
export type ModelGraph = z.infer<typeof modelGraphSchema>;

/** "float32 [batch, 1]", "a sequence or map": how a message names a graph value. */
export function describeGraphValue(value: GraphValue): string {
  if (!value.isTensor) return "a sequence or map";
  if (value.shape.length === 0) return value.type;
  return `${value.type} [${value.shape.map((dim) => (dim === "" ? "?" : dim)).join(", ")}]`;
}
