import type { RouterOutputs } from "@/trpc/react";

export type AbTestSummary = RouterOutputs["abTests"]["list"]["items"][number];
export type AbTestView = RouterOutputs["abTests"]["get"];
export type AbTestPreview = RouterOutputs["abTests"]["preview"];
export type AbLookSeries = RouterOutputs["abTests"]["looks"]["series"][number];
