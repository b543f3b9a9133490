import onnxProto from "onnx-proto";

const { onnx } = onnxProto;
type Attribute = InstanceType<typeof onnx.AttributeProto>;
type Node = InstanceType<typeof onnx.NodeProto>;
type ValueInfo = InstanceType<typeof onnx.ValueInfoProto>;
type Tensor = InstanceType<typeof onnx.TensorProto>;

export const ML_DOMAIN = "ai.onnx.ml";
const encoder = new TextEncoder();

export type AttributeValue = number | string | number[] | string[] | { ints: number[] };

/** Builds an attribute; numbers are floats unless wrapped as `{ ints }` (ONNX distinguishes the two). */
export function attribute(name: string, value: AttributeValue): Attribute {
  const type = onnx.AttributeProto.AttributeType;
  if (typeof value === "number") return onnx.AttributeProto.create({ name, type: type.FLOAT, f: value });
  if (typeof value === "string")
    return onnx.AttributeProto.create({ name, type: type.STRING, s: encoder.encode(value) });
  if (!Array.isArray(value)) return onnx.AttributeProto.create({ name, type: type.INTS, ints: value.ints });
  if (value.every((v) => typeof v === "string")) {
    return onnx.AttributeProto.create({ name, type: type.STRINGS, strings: value.map((v) => encoder.encode(v)) });
  }
  return onnx.AttributeProto.create({ name, type: type.FLOATS, floats: value as number[] });
}

export const intAttribute = (name: string, value: number): Attribute =>
  onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.INT, i: value });

export function node(
  opType: string,
  inputs: string[],
  outputs: string[],
  attributes: Attribute[] = [],
  domain = "",
): Node {
  return onnx.NodeProto.create({
    opType,
    input: inputs,
    output: outputs,
    attribute: attributes,
    domain,
    name: outputs[0],
  });
}

/** A float32 tensor of shape [batch, width] where the batch dimension is variable. */
export function floatMatrix(name: string, width: number): ValueInfo {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: [{ dimParam: "batch" }, { dimValue: width }] },
      },
    },
  });
}

/** The element types the demo models use, by their registry signature names. */
export const ELEMENT_TYPES = {
  float32: onnx.TensorProto.DataType.FLOAT,
  int64: onnx.TensorProto.DataType.INT64,
  string: onnx.TensorProto.DataType.STRING,
} as const;

export const FLOAT = onnx.TensorProto.DataType.FLOAT;

/** A tensor of rank 1 ([batch]) or 2 ([batch, 1]) where the batch dimension is variable. */
export function batchTensor(name: string, type: keyof typeof ELEMENT_TYPES, rank: 1 | 2): ValueInfo {
  const dim = rank === 1 ? [{ dimParam: "batch" }] : [{ dimParam: "batch" }, { dimValue: 1 }];
  return onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: ELEMENT_TYPES[type], shape: { dim } } } });
}

export function int64Initializer(name: string, dims: number[], values: number[]): Tensor {
  return onnx.TensorProto.create({ name, dims, dataType: onnx.TensorProto.DataType.INT64, int64Data: values });
}

export function floatInitializer(name: string, dims: number[], values: number[]): Tensor {
  return onnx.TensorProto.create({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, floatData: values });
}

/**
 * The shared front of every tabular model: one [batch, 1] float input per feature (so the registry signature names
 * each feature) concatenated into a [batch, features] matrix called `features`.
 */
export function featureInputs(featureNames: string[]): { inputs: ValueInfo[]; nodes: Node[] } {
  return {
    inputs: featureNames.map((name) => floatMatrix(name, 1)),
    nodes: [node("Concat", featureNames, ["features"], [intAttribute("axis", 1)])],
  };
}

export function encodeModel(options: {
  graphName: string;
  docString: string;
  nodes: Node[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  initializers?: Tensor[];
  /** ModelProto.metadata_props: free-form key/value strings carried with the model. */
  metadata?: Record<string, string>;
}): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: "modelport",
    producerVersion: "1",
    docString: options.docString,
    opsetImport: [
      { domain: "", version: 17 },
      { domain: ML_DOMAIN, version: 3 },
    ],
    graph: {
      name: options.graphName,
      node: options.nodes,
      input: options.inputs,
      output: options.outputs,
      initializer: options.initializers ?? [],
    },
    metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
  });
  return onnx.ModelProto.encode(model).finish();
}
