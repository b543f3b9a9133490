import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { LoopbackServer } from "@/tests/integration/support/loopback-server";

export type StoredObject = { body: Buffer; headers: Record<string, string> };
export type RecordedS3Request = { method: string; path: string; authorization: string; contentSha256: string };

const OPERATIONS: Record<string, string> = { PUT: "PutObject", HEAD: "HeadObject", GET: "GetObject" };

const errorXml = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;

/**
 * The S3 calls the artifact upload and batch transform make (HeadObject, PutObject, GetObject with a Range), path-style, answering like S3 does: HEAD errors
 * without a body, PUT errors as XML, and a PUT whose bytes do not match its x-amz-checksum-sha256 refused as BadDigest.
 * Enough for the real SDK client to sign, stream and parse end to end; it is our model of S3, not a recording of it.
 */
export class FakeS3 {
  readonly requests: RecordedS3Request[] = [];
  readonly objects = new Map<string, StoredObject>();
  private denied = false;
  private readonly server = new LoopbackServer((request, response) => void this.handle(request, response));

  constructor(private readonly journal: string[] = []) {}

  async start(): Promise<string> {
    return `http://${await this.server.start()}`;
  }

  async stop(): Promise<void> {
    await this.server.stop();
  }

  /** Every request from now on is refused as the credentials lacking permission would be. */
  deny() {
    this.denied = true;
  }

  operations(): string[] {
    return this.requests.map((request) => `${request.method} ${request.path}`);
  }

  private async handle(request: IncomingMessage, response: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const objectPath = decodeURIComponent(new URL(request.url ?? "/", "http://s3").pathname);
    const header = (name: string) => String(request.headers[name] ?? "");
    this.requests.push({
      method: request.method ?? "",
      path: objectPath,
      authorization: header("authorization"),
      contentSha256: header("x-amz-content-sha256"),
    });
    this.journal.push(`S3.${OPERATIONS[request.method ?? ""] ?? request.method}`);
    if (this.denied) return this.fail(request, response, 403, "AccessDenied", "Access Denied");
    if (request.method === "HEAD") return this.head(objectPath, response);
    if (request.method === "GET") return this.get(objectPath, header("range"), request, response);
    if (request.method === "PUT") return this.put(objectPath, Buffer.concat(chunks), request, response);
    return this.fail(request, response, 405, "MethodNotAllowed", "The fake implements HEAD, GET and PUT only");
  }

  private head(objectPath: string, response: ServerResponse) {
    const stored = this.objects.get(objectPath);
    response.statusCode = stored ? 200 : 404;
    if (stored) {
      for (const [name, value] of Object.entries(stored.headers)) response.setHeader(name, value);
      response.setHeader("content-length", stored.body.byteLength);
    }
    response.end();
  }

  /** A `bytes=start-` or `bytes=start-end` range answers 206 with Content-Range, as S3 does. */
  private get(objectPath: string, range: string, request: IncomingMessage, response: ServerResponse) {
    const stored = this.objects.get(objectPath);
    if (!stored) return this.fail(request, response, 404, "NoSuchKey", "The specified key does not exist.");
    const size = stored.body.byteLength;
    const match = /^bytes=(\d+)-(\d*)$/.exec(range);
    const start = match ? Number(match[1]) : 0;
    const end = match?.[2] ? Math.min(Number(match[2]), size - 1) : size - 1;
    if (match && start >= size)
      return this.fail(request, response, 416, "InvalidRange", "The requested range is not satisfiable");
    for (const [name, value] of Object.entries(stored.headers)) response.setHeader(name, value);
    response.statusCode = match ? 206 : 200;
    if (match) response.setHeader("content-range", `bytes ${start}-${end}/${size}`);
    const body = stored.body.subarray(start, end + 1);
    response.setHeader("content-length", body.byteLength);
    response.end(body);
  }

  private put(objectPath: string, body: Buffer, request: IncomingMessage, response: ServerResponse) {
    const claimed = String(request.headers["x-amz-checksum-sha256"] ?? "");
    const actual = createHash("sha256").update(body).digest("base64");
    if (claimed && claimed !== actual)
      return this.fail(
        request,
        response,
        400,
        "BadDigest",
        "The SHA256 you specified did not match the calculated checksum.",
      );
    const kept = Object.entries(request.headers).filter(
      ([name]) =>
        name.startsWith("x-amz-meta-") || name.startsWith("x-amz-server-side-encryption") || name === "content-type",
    );
    this.objects.set(objectPath, {
      body,
      headers: Object.fromEntries(kept.map(([name, value]) => [name, String(value)])),
    });
    response.statusCode = 200;
    response.setHeader("etag", `"${createHash("md5").update(body).digest("hex")}"`);
    response.end();
  }

  private fail(request: IncomingMessage, response: ServerResponse, status: number, code: string, message: string) {
    response.statusCode = status;
    if (request.method === "HEAD") return response.end();
    response.setHeader("content-type", "application/xml");
    response.end(errorXml(code, message));
  }
}
