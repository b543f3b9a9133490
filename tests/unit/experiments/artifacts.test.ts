import { describe, expect, it } from "vitest";
import { AppError } from "@/server/errors";
import { validateArtifactPath, validateContentType } from "@/server/services/artifacts/artifact-path";
import { contentDisposition } from "@/server/services/artifacts/download";

function rejection(path: string): string {
  try {
    validateArtifactPath(path);
  } catch (error) {
    if (error instanceof AppError && error.code === "BAD_REQUEST") return error.message;
    throw error;
  }
  throw new Error(`Expected "${path}" to be rejected`);
}

describe("validateArtifactPath", () => {
  it("accepts relative paths with folders", () => {
    for (const ok of ["model.onnx", "model/model.onnx", "a/b/c d-e_f.tar.gz", "..hidden", "x/...", "日本/モデル.bin"]) {
      expect(validateArtifactPath(ok)).toBe(ok);
    }
  });

  it("rejects traversal, absolute and odd paths with a reason", () => {
    expect(rejection("../secret")).toContain('must not contain ".." segments');
    expect(rejection("a/../../b")).toContain('".."');
    expect(rejection("..")).toContain('".."');
    expect(rejection("/etc/passwd")).toContain("must be relative");
    expect(rejection("a\\b")).toContain('use "/"');
    expect(rejection("a//b")).toContain("empty");
    expect(rejection("a/./b")).toContain('"."');
    expect(rejection("a/")).toContain("empty");
    expect(rejection("a\u0000b")).toContain("control characters");
    expect(rejection("")).toContain("give a path");
    expect(rejection("x".repeat(513))).toContain("at most 512 characters");
    expect(validateArtifactPath("x".repeat(512))).toHaveLength(512);
  });
});

describe("validateContentType", () => {
  it("defaults to octet-stream and keeps valid types", () => {
    expect(validateContentType(null)).toBe("application/octet-stream");
    expect(validateContentType("image/png")).toBe("image/png");
    expect(validateContentType("text/plain; charset=utf-8")).toBe("text/plain; charset=utf-8");
  });

  it("rejects malformed types", () => {
    expect(() => validateContentType("not a type")).toThrow(/Invalid content type/);
    expect(() => validateContentType("text/html\r\nx-evil: 1")).toThrow(/Invalid content type/);
  });
});

describe("contentDisposition", () => {
  it("names the file after the last path segment, with a UTF-8 form", () => {
    expect(contentDisposition("model/model.onnx")).toBe(
      `attachment; filename="model.onnx"; filename*=UTF-8''model.onnx`,
    );
    expect(contentDisposition('a/"weird" näme.txt')).toBe(
      `attachment; filename="_weird_ n_me.txt"; filename*=UTF-8''%22weird%22%20n%C3%A4me.txt`,
    );
  });
});
