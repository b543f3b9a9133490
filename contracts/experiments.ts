import { z } from "zod";

export const experimentName = z
  .string()
  .trim()
  .min(1, "Name is required")
  .max(200, "Name is at most 200 characters")
  .regex(/^[^\p{Cc}]+$/u, "Name must not contain control characters");

export const createExperimentInput = z.object({
  name: experimentName,
  description: z.string().max(10_000, "Description is at most 10,000 characters").optional(),
  /** The owning team's name; defaults to the creator's team. Only admins may name a team they are not in. */
  team: z.string().trim().min(1).max(200).optional(),
});

/** A saved run selection's id: 22 base64url characters (128 bits of the SHA-256 of its ordered run ids). */
export const runSelectionIdSchema = z.string().regex(/^[A-Za-z0-9_-]{22}$/, "Not a saved selection's id");
