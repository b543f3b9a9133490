import { TENSOR_TYPES, type Signature, type TensorSpec } from "@/contracts/signature";
import { describeGraphValue, type GraphValue, type ModelGraph } from "@/server/integrations/onnx/model-graph";

/** A signature that fits the graph (completed from it where it was silent), or every reason it does not. */
export type SignatureCheck = { ok: true; signature: Signature } | { ok: false; problems: string[] };

type Kind = "input" | "output";
type Dimension = NonNullable<TensorSpec["shape"]>[number];

const isTensorType = (type: string): type is TensorSpec["type"] => (TENSOR_TYPES as readonly string[]).includes(type);

/** A graph dimension as a signature states it: fixed sizes stay, symbolic ones become variable (null). */
const signatureShape = (shape: readonly (number | string)[]): Dimension[] =>
  shape.map((dim) => (typeof dim === "number" ? dim : null));

/** The spec a signature gives this graph value, or why a signature cannot describe it. */
function specOf(value: GraphValue): TensorSpec | string {
  if (!value.isTensor) return `"${value.name}" is a sequence or map, which a signature cannot describe`;
  if (!isTensorType(value.type)) {
    return `"${value.name}" is ${value.type}, which a signature cannot describe (it names ${TENSOR_TYPES.join(", ")})`;
  }
  return value.shape.length === 0
    ? { name: value.name, type: value.type }
    : { name: value.name, type: value.type, shape: signatureShape(value.shape) };
}

/**
 * The signature read from the graph: every input (each must be a tensor a signature can describe, since the runtime
 * has to feed it) and every output a signature can describe (others are left out; at least one must remain).
 */
export function deriveSignature(graph: ModelGraph): SignatureCheck {
  const problems: string[] = [];
  const inputs: TensorSpec[] = [];
  for (const value of graph.inputs) {
    const spec = specOf(value);
    if (typeof spec === "string") problems.push(`input ${spec}`);
    else inputs.push(spec);
  }
  const outputs = graph.outputs.map(specOf).filter((spec): spec is TensorSpec => typeof spec !== "string");
  if (graph.inputs.length === 0) problems.push("the graph has no inputs");
  if (outputs.length === 0) {
    problems.push(`none of the graph's outputs (${graph.outputs.map((o) => o.name).join(", ")}) is a plain tensor`);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, signature: { inputs, outputs } };
}

const formatSignatureShape = (shape: readonly Dimension[]) => `[${shape.map(String).join(", ")}]`;

/** Whether a stated shape fits the graph's: same rank, and every dimension the graph fixes fixed to the same size. */
function shapeFits(stated: readonly Dimension[], graph: readonly (number | string)[]): boolean {
  if (graph.length === 0) return true;
  if (stated.length !== graph.length) return false;
  return stated.every((dim, i) => {
    const fixed = graph[i];
    if (typeof fixed !== "number") return true;
    return dim === fixed;
  });
}

/** The problems of one named spec against the graph value of the same name, and the spec completed from it. */
function compareSpec(kind: Kind, spec: TensorSpec, value: GraphValue): { problems: string[]; spec: TensorSpec } {
  const name = `${kind} "${spec.name}"`;
  if (!value.isTensor) {
    return { problems: [`${name} is a sequence or map in the graph, which a signature cannot describe`], spec };
  }
  const problems: string[] = [];
  if (spec.type !== value.type)
    problems.push(`${name} is ${spec.type} in the signature but ${value.type} in the graph`);
  if (spec.shape && !shapeFits(spec.shape, value.shape)) {
    problems.push(
      `${name} has shape ${formatSignatureShape(spec.shape)} in the signature but ${describeGraphValue(value)} in the graph`,
    );
  }
  const completed = spec.shape || value.shape.length === 0 ? spec : { ...spec, shape: signatureShape(value.shape) };
  return { problems, spec: completed };
}

function duplicates(specs: readonly TensorSpec[]): string[] {
  const counts = new Map<string, number>();
  for (const spec of specs) counts.set(spec.name, (counts.get(spec.name) ?? 0) + 1);
  return [...counts].filter(([, count]) => count > 1).map(([name]) => name);
}

/** Checks the signature's specs of one kind against the graph's values of that kind. */
function compareSide(kind: Kind, specs: readonly TensorSpec[], values: readonly GraphValue[]) {
  const problems = duplicates(specs).map((name) => `${kind} "${name}" is listed twice in the signature`);
  const byName = new Map(values.map((value) => [value.name, value]));
  const completed: TensorSpec[] = [];
  for (const spec of specs) {
    const value = byName.get(spec.name);
    if (!value) {
      const names = values.map((v) => v.name).join(", ") || "none";
      problems.push(`${kind} "${spec.name}" is not in the graph (its ${kind}s: ${names})`);
      completed.push(spec);
      continue;
    }
    const compared = compareSpec(kind, spec, value);
    problems.push(...compared.problems);
    completed.push(compared.spec);
  }
  return { problems, specs: completed };
}

/**
 * Checks a signature against the graph: every name it gives must be one of the graph's (with the same element type
 * and a shape that fits), and it must name every graph input (the runtime feeds only what the signature names).
 * Graph outputs it leaves out are fine. A spec without a shape takes the graph's, so the runtime feeds the right rank.
 */
export function matchSignature(signature: Signature, graph: ModelGraph): SignatureCheck {
  const inputs = compareSide("input", signature.inputs, graph.inputs);
  const outputs = compareSide("output", signature.outputs, graph.outputs);
  const stated = new Set(signature.inputs.map((spec) => spec.name));
  const unfed = graph.inputs
    .filter((value) => !stated.has(value.name))
    .map((value) => `the graph's input "${value.name}" (${describeGraphValue(value)}) is missing from the signature`);
  const problems = [...inputs.problems, ...unfed, ...outputs.problems];
  return problems.length > 0
    ? { ok: false, problems }
    : { ok: true, signature: { inputs: inputs.specs, outputs: outputs.specs } };
}
