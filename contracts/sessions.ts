import { z } from "zod";

/** Why an admin signs a person out everywhere (a lost laptop, someone leaving): kept in the audit log. */
export const endSessionsReason = z.string().trim().min(3, "Say why (at least 3 characters)").max(500);
