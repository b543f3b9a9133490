import { z } from "zod";
import type { Prisma } from "@/server/db/generated/client";

/**
 * A JSON column returned as stored, for outputs whose readers do not need its shape: the database only holds valid
 * JSON, so parsing it again would only cost time.
 */
export const storedJson = z.custom<Prisma.JsonValue>((value) => value !== undefined);
