import { z } from "zod";
import { MAX_INT4 } from "@/contracts/limits";

/** What an audit row points at, resolved so the UI can link to it. Rows name entities by Prisma model name. */
export const auditEntityRefSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("model"), name: z.string() }),
  z.object({ kind: z.literal("version"), modelName: z.string(), version: z.number().int().min(1).max(MAX_INT4) }),
  z.object({ kind: z.literal("alias"), modelName: z.string(), alias: z.string() }),
  z.object({ kind: z.literal("experiment"), id: z.string(), name: z.string() }),
  z.object({ kind: z.literal("run"), id: z.string(), name: z.string(), experimentId: z.string() }),
  z.object({ kind: z.literal("user"), name: z.string(), email: z.string() }),
  z.object({ kind: z.literal("token"), name: z.string(), prefix: z.string() }),
]);

export type AuditEntityRef = z.infer<typeof auditEntityRefSchema>;
