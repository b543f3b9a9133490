import { z } from "zod";
import { servingSlaSchema, setVersionSlaInput, type ServingSla } from "@/contracts/serving-modes";

/** What the form holds: the three fields as typed; an empty field declares nothing. */
export type VersionSlaFormValues = { payloadMb: string; timeoutSeconds: string; latencyMs: string };

const BYTES_PER_MB = 1024 * 1024;

/** The form's fields for a stored SLA (payload shown in MB). */
export function slaFormValuesOf(sla: ServingSla | null): VersionSlaFormValues {
  const text = (value: number | undefined) => (value === undefined ? "" : String(value));
  const payload = sla?.maxPayloadBytes;
  return {
    // Seven decimals say every byte count exactly (one byte is about 0.00000095 MB), so saving other fields never
    // changes the payload; sizes typed in MB show as typed.
    payloadMb: payload === undefined ? "" : String(Number((payload / BYTES_PER_MB).toFixed(7))),
    timeoutSeconds: text(sla?.timeoutSeconds),
    latencyMs: text(sla?.latencyP99Ms),
  };
}

const FIELD_OF: Record<keyof ServingSla, keyof VersionSlaFormValues> = {
  maxPayloadBytes: "payloadMb",
  timeoutSeconds: "timeoutSeconds",
  latencyP99Ms: "latencyMs",
};

const numberOf = (text: string) => (text.trim() === "" ? undefined : Number(text.trim()));

function slaOf(values: VersionSlaFormValues): ServingSla {
  const payloadMb = numberOf(values.payloadMb);
  return {
    maxPayloadBytes: payloadMb === undefined ? undefined : Math.round(payloadMb * BYTES_PER_MB),
    timeoutSeconds: numberOf(values.timeoutSeconds),
    latencyP99Ms: numberOf(values.latencyMs),
  };
}

/**
 * The form's values checked by the contract the service checks, each refusal on the field it is about; a field that
 * is not a number says so in plain words. All three empty clears the SLA.
 */
export const versionSlaFormSchema = z
  .object({ payloadMb: z.string(), timeoutSeconds: z.string(), latencyMs: z.string() })
  .superRefine((values, ctx) => {
    const notNumbers = (["payloadMb", "timeoutSeconds", "latencyMs"] as const).filter((field) => {
      const value = numberOf(values[field]);
      return value !== undefined && !Number.isFinite(value);
    });
    for (const field of notNumbers)
      ctx.addIssue({ code: "custom", message: "Enter a number, or leave it empty", path: [field] });
    if (notNumbers.length > 0) return;
    const checked = servingSlaSchema.safeParse(slaOf(values));
    for (const issue of checked.success ? [] : checked.error.issues) {
      const key = issue.path[0] as keyof ServingSla;
      ctx.addIssue({ code: "custom", message: issue.message, path: [FIELD_OF[key] ?? "payloadMb"] });
    }
  })
  .transform((values): z.input<typeof setVersionSlaInput> => {
    const sla = Object.fromEntries(Object.entries(slaOf(values)).filter(([, value]) => value !== undefined));
    return { sla: Object.keys(sla).length > 0 ? sla : null };
  })
  .pipe(setVersionSlaInput);
