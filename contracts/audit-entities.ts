/** What an audit row points at, resolved so the UI can link to it. Rows name entities by Prisma model name. */
export type AuditEntityRef =
  | { kind: "model"; name: string }
  | { kind: "version"; modelName: string; version: number }
  | { kind: "alias"; modelName: string; alias: string }
  | { kind: "experiment"; id: string; name: string }
  | { kind: "run"; id: string; name: string; experimentId: string }
  | { kind: "user"; name: string; email: string }
  | { kind: "token"; name: string; prefix: string };
