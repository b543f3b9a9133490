import { seededRandom } from "@/training/random";
import {
  attribute,
  batchTensor,
  encodeModel,
  FLOAT,
  floatInitializer,
  int64Initializer,
  intAttribute,
  ML_DOMAIN,
  node,
} from "@/training/onnx-graph";

export type ScorerInput =
  { name: string; type: "float32" | "int64" } | { name: string; type: "string"; categories: string[] };

export type LinearScorerSpec = {
  inputs: ScorerInput[];
  outputName: string;
  /** "sigmoid" squashes the score into (0, 1), like a probability; "identity" leaves it as it is (a regression). */
  link: "sigmoid" | "identity";
  /** The rank of every input and of the output: 1 is [batch], 2 is [batch, 1]. */
  rank: 1 | 2;
  /** Seeds the weights: the same spec and seed always give the same bytes. */
  seed: number;
  docString: string;
};

// Internal tensor names start with "__" so they cannot collide with a feature's name.
const COLUMN_SHAPE = "__column_shape";
const VECTOR_SHAPE = "__vector_shape";

function checkNames(spec: LinearScorerSpec) {
  const names = [...spec.inputs.map((input) => input.name), spec.outputName];
  if (spec.inputs.length === 0) throw new Error("A linear scorer needs at least one input");
  if (new Set(names).size !== names.length) throw new Error(`Input and output names must differ: ${names.join(", ")}`);
  if (names.some((name) => name.startsWith("__"))) throw new Error('Names starting with "__" are reserved');
}

/** The nodes turning one input into a [batch, 1] float column; string inputs go through a LabelEncoder. */
function columnOf(input: ScorerInput, rank: 1 | 2, categoryValue: () => number) {
  const nodes = [];
  let value = input.name;
  if (input.type === "int64") {
    value = `__${input.name}_float`;
    nodes.push(node("Cast", [input.name], [value], [intAttribute("to", FLOAT)]));
  }
  if (input.type === "string") {
    if (input.categories.length === 0) throw new Error(`String input "${input.name}" needs categories`);
    value = `__${input.name}_encoded`;
    const attributes = [
      attribute("keys_strings", input.categories),
      attribute("values_floats", input.categories.map(categoryValue)),
      attribute("default_float", 0),
    ];
    nodes.push(node("LabelEncoder", [input.name], [value], attributes, ML_DOMAIN));
  }
  if (rank === 2) return { nodes, column: value };
  const column = `__${input.name}_column`;
  nodes.push(node("Reshape", [value, COLUMN_SHAPE], [column]));
  return { nodes, column };
}

/**
 * A real ONNX model that onnxruntime loads and runs, with seeded random weights: every input becomes a [batch, 1]
 * column (a string input through a LabelEncoder of its categories, unseen ones 0), the columns a linear score, then
 * the link. It is trained on nothing: the demo's stand-in for a model's weights, and a quick fixture for tests.
 */
export function buildLinearScorer(spec: LinearScorerSpec): Uint8Array {
  checkNames(spec);
  const random = seededRandom(spec.seed);
  const columns = spec.inputs.map((input) => columnOf(input, spec.rank, () => random.normal(0, 1)));
  const weights = spec.inputs.map(() => random.normal(0, 0.5));
  const bias = random.normal(0, 0.1);
  const column = spec.rank === 1 ? "__column_output" : spec.outputName;
  const score = spec.link === "sigmoid" ? "__score" : column;
  const nodes = [
    ...columns.flatMap((c) => c.nodes),
    node(
      "Concat",
      columns.map((c) => c.column),
      ["__features"],
      [intAttribute("axis", 1)],
    ),
    node("MatMul", ["__features", "__weights"], ["__unbiased"]),
    node("Add", ["__unbiased", "__bias"], [score]),
  ];
  if (spec.link === "sigmoid") nodes.push(node("Sigmoid", [score], [column]));
  if (spec.rank === 1) nodes.push(node("Reshape", [column, VECTOR_SHAPE], [spec.outputName]));
  return encodeModel({
    graphName: spec.outputName,
    docString: spec.docString,
    nodes,
    inputs: spec.inputs.map((input) => batchTensor(input.name, input.type, spec.rank)),
    outputs: [batchTensor(spec.outputName, "float32", spec.rank)],
    initializers: [
      floatInitializer("__weights", [weights.length, 1], weights),
      floatInitializer("__bias", [1], [bias]),
      ...(spec.rank === 1
        ? [int64Initializer(COLUMN_SHAPE, [2], [-1, 1]), int64Initializer(VECTOR_SHAPE, [1], [-1])]
        : []),
    ],
  });
}
