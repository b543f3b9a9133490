// A page cursor travels as base64url JSON: opaque to the caller, and read back only through a schema.

export function encodeCursor(cursor: object): string {
  return Buffer.from(JSON.stringify(cursor), "utf8").toString("base64url");
}

/** The cursor's JSON, or null when the text is not base64url JSON (the caller's schema then refuses it). */
export function decodeCursor(text: string): unknown {
  try {
    return JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    return null;
  }
}
