/**
 * A minimal protobuf wire-format reader: walks a message's fields so a caller decodes only the ones it needs (an ONNX
 * model's graph can be megabytes of fields nobody here reads).
 */
export type WireField =
  | { field: number; wire: 0; varint: bigint }
  | { field: number; wire: 1; bytes: Uint8Array }
  | { field: number; wire: 2; bytes: Uint8Array }
  | { field: number; wire: 5; bytes: Uint8Array };

export class ProtobufError extends Error {
  override name = "ProtobufError";
}

const decoder = new TextDecoder("utf-8", { fatal: false });

/** A varint that fits in 49 bits, as a number (no BigInt: ONNX node ids and lengths are small); else undefined. */
function readSmallVarint(bytes: Uint8Array, at: number): { value: number; next: number } | undefined {
  let value = 0;
  let scale = 1;
  for (let i = at; i < bytes.length && i < at + 7; i++) {
    const byte = bytes[i]!;
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return { value, next: i + 1 };
    scale *= 128;
  }
  return undefined;
}

function readVarint(bytes: Uint8Array, at: number): { value: bigint; next: number } {
  const small = readSmallVarint(bytes, at);
  if (small) return { value: BigInt(small.value), next: small.next };
  let value = 0n;
  let shift = 0n;
  for (let i = at; i < bytes.length && i < at + 10; i++) {
    const byte = bytes[i]!;
    value |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return { value, next: i + 1 };
    shift += 7n;
  }
  throw new ProtobufError("Truncated or over-long varint");
}

/** Every field of one message, in order (a repeated field appears once per element, or once packed). */
export function* fields(bytes: Uint8Array): Generator<WireField> {
  let at = 0;
  while (at < bytes.length) {
    const tag = readSmallVarint(bytes, at);
    if (!tag) throw new ProtobufError("Over-long field tag");
    at = tag.next;
    const field = Math.floor(tag.value / 8);
    const wire = tag.value % 8;
    if (wire === 0) {
      const v = readVarint(bytes, at);
      at = v.next;
      yield { field, wire, varint: v.value };
    } else if (wire === 1 || wire === 5) {
      const size = wire === 1 ? 8 : 4;
      if (at + size > bytes.length) throw new ProtobufError("Truncated fixed-width field");
      yield { field, wire, bytes: bytes.subarray(at, at + size) };
      at += size;
    } else if (wire === 2) {
      const length = readSmallVarint(bytes, at);
      if (!length) throw new ProtobufError("Over-long field length");
      const end = length.next + length.value;
      if (end > bytes.length) throw new ProtobufError("Truncated length-delimited field");
      yield { field, wire, bytes: bytes.subarray(length.next, end) };
      at = end;
    } else {
      throw new ProtobufError(`Unsupported wire type ${wire}`);
    }
  }
}

export const text = (bytes: Uint8Array) => decoder.decode(bytes);

const int64 = (value: bigint) => Number(BigInt.asIntN(64, value));

/** A repeated int64 field's element(s): one varint, or a packed run of them. */
export function int64s(field: WireField): number[] {
  if (field.wire === 0) return [int64(field.varint)];
  if (field.wire !== 2) throw new ProtobufError(`Field ${field.field} is not an integer`);
  const values: number[] = [];
  let at = 0;
  while (at < field.bytes.length) {
    const small = readSmallVarint(field.bytes, at);
    const v = small ?? readVarint(field.bytes, at);
    values.push(small ? small.value : int64(v.value as bigint));
    at = v.next;
  }
  return values;
}

function view(bytes: Uint8Array) {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A repeated float field's element(s): one fixed32, or a packed run of them (little-endian float32). */
export function floats(field: WireField): number[] {
  if (field.wire !== 5 && field.wire !== 2) throw new ProtobufError(`Field ${field.field} is not a float`);
  if (field.bytes.length % 4 !== 0) throw new ProtobufError(`Field ${field.field} is not a run of floats`);
  const data = view(field.bytes);
  return Array.from({ length: field.bytes.length / 4 }, (_, i) => data.getFloat32(i * 4, true));
}

/** A repeated double field's element(s). */
export function doubles(field: WireField): number[] {
  if (field.wire !== 1 && field.wire !== 2) throw new ProtobufError(`Field ${field.field} is not a double`);
  if (field.bytes.length % 8 !== 0) throw new ProtobufError(`Field ${field.field} is not a run of doubles`);
  const data = view(field.bytes);
  return Array.from({ length: field.bytes.length / 8 }, (_, i) => data.getFloat64(i * 8, true));
}

/** The bytes of a length-delimited field (a string, bytes or an embedded message). */
export function bytesOf(field: WireField): Uint8Array {
  if (field.wire !== 2) throw new ProtobufError(`Field ${field.field} is not length-delimited`);
  return field.bytes;
}
