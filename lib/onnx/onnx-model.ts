import { bytesOf, doubles, fields, floats, int64s, ProtobufError, text } from "@/lib/onnx/protobuf-reader";

/**
 * The parts of an ONNX ModelProto that reading a model's structure needs (onnx.proto field numbers in comments): its
 * metadata_props, and its graph's nodes, float initializers, inputs and outputs. Everything else is skipped unread.
 */
export type OnnxAttribute = {
  name: string;
  f?: number;
  i?: number;
  s?: string;
  t?: OnnxTensor;
  floats: number[];
  ints: number[];
  strings: string[];
};

export type OnnxNode = {
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: Map<string, OnnxAttribute>;
};

/** A numeric tensor's values as numbers (float, double and int64 data; other types come back empty). */
export type OnnxTensor = { name: string; dims: number[]; dataType: number; values: number[] };

export type OnnxModel = {
  metadata: Map<string, string>;
  nodes: OnnxNode[];
  initializers: Map<string, OnnxTensor>;
  inputs: string[];
  outputs: string[];
};

export { ProtobufError };

const DATA_TYPE = { FLOAT: 1, INT64: 7, DOUBLE: 11 } as const;

function rawValues(raw: Uint8Array, dataType: number): number[] {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  if (dataType === DATA_TYPE.FLOAT)
    return Array.from({ length: raw.byteLength >> 2 }, (_, i) => view.getFloat32(i * 4, true));
  if (dataType === DATA_TYPE.DOUBLE)
    return Array.from({ length: raw.byteLength >> 3 }, (_, i) => view.getFloat64(i * 8, true));
  if (dataType === DATA_TYPE.INT64)
    return Array.from({ length: raw.byteLength >> 3 }, (_, i) => Number(view.getBigInt64(i * 8, true)));
  return [];
}

// TensorProto: dims 1, data_type 2, float_data 4, int64_data 7, name 8, raw_data 9, double_data 10.
function readTensor(bytes: Uint8Array): OnnxTensor {
  const tensor: OnnxTensor = { name: "", dims: [], dataType: 0, values: [] };
  let raw: Uint8Array | undefined;
  for (const f of fields(bytes)) {
    if (f.field === 1) tensor.dims.push(...int64s(f));
    else if (f.field === 2) tensor.dataType = int64s(f)[0] ?? 0;
    else if (f.field === 4) tensor.values.push(...floats(f));
    else if (f.field === 7) tensor.values.push(...int64s(f));
    else if (f.field === 8) tensor.name = text(bytesOf(f));
    else if (f.field === 9) raw = bytesOf(f);
    else if (f.field === 10) tensor.values.push(...doubles(f));
  }
  if (raw) tensor.values = rawValues(raw, tensor.dataType);
  return tensor;
}

// AttributeProto: name 1, f 2, i 3, s 4, t 5, floats 7, ints 8, strings 9.
function readAttribute(bytes: Uint8Array): OnnxAttribute {
  const attribute: OnnxAttribute = { name: "", floats: [], ints: [], strings: [] };
  for (const f of fields(bytes)) {
    if (f.field === 1) attribute.name = text(bytesOf(f));
    else if (f.field === 2) attribute.f = floats(f)[0];
    else if (f.field === 3) attribute.i = int64s(f)[0];
    else if (f.field === 4) attribute.s = text(bytesOf(f));
    else if (f.field === 5) attribute.t = readTensor(bytesOf(f));
    else if (f.field === 7) attribute.floats.push(...floats(f));
    else if (f.field === 8) attribute.ints.push(...int64s(f));
    else if (f.field === 9) attribute.strings.push(text(bytesOf(f)));
  }
  return attribute;
}

// NodeProto: input 1, output 2, op_type 4, attribute 5, domain 7.
function readNode(bytes: Uint8Array): OnnxNode {
  const node: OnnxNode = { opType: "", domain: "", inputs: [], outputs: [], attributes: new Map() };
  for (const f of fields(bytes)) {
    if (f.field === 1) node.inputs.push(text(bytesOf(f)));
    else if (f.field === 2) node.outputs.push(text(bytesOf(f)));
    else if (f.field === 4) node.opType = text(bytesOf(f));
    else if (f.field === 5) {
      const attribute = readAttribute(bytesOf(f));
      node.attributes.set(attribute.name, attribute);
    } else if (f.field === 7) node.domain = text(bytesOf(f));
  }
  return node;
}

// ValueInfoProto: name 1.
function valueName(bytes: Uint8Array): string {
  for (const f of fields(bytes)) if (f.field === 1) return text(bytesOf(f));
  return "";
}

// StringStringEntryProto: key 1, value 2.
function entry(bytes: Uint8Array): [string, string] {
  let key = "";
  let value = "";
  for (const f of fields(bytes)) {
    if (f.field === 1) key = text(bytesOf(f));
    else if (f.field === 2) value = text(bytesOf(f));
  }
  return [key, value];
}

/** Only a ModelProto's metadata_props: the graph's bytes are skipped, not decoded. */
export function readOnnxMetadata(bytes: Uint8Array): Map<string, string> {
  const metadata = new Map<string, string>();
  for (const f of fields(bytes)) if (f.field === 14) metadata.set(...entry(bytesOf(f)));
  return metadata;
}

/** Decodes a ModelProto (graph 7, metadata_props 14; GraphProto node 1, initializer 5, input 11, output 12). */
export function readOnnxModel(bytes: Uint8Array): OnnxModel {
  const model: OnnxModel = { metadata: new Map(), nodes: [], initializers: new Map(), inputs: [], outputs: [] };
  for (const f of fields(bytes)) {
    if (f.field === 14) {
      const [key, value] = entry(bytesOf(f));
      model.metadata.set(key, value);
    } else if (f.field === 7) {
      for (const g of fields(bytesOf(f))) {
        if (g.field === 1) model.nodes.push(readNode(bytesOf(g)));
        else if (g.field === 5) {
          const tensor = readTensor(bytesOf(g));
          model.initializers.set(tensor.name, tensor);
        } else if (g.field === 11) model.inputs.push(valueName(bytesOf(g)));
        else if (g.field === 12) model.outputs.push(valueName(bytesOf(g)));
      }
    }
  }
  // Inputs that are also initializers are constants (IR < 4 lists them), not features.
  model.inputs = model.inputs.filter((name) => !model.initializers.has(name));
  return model;
}
