import { textFields } from "@/lib/url-state";

/** The labelling page's URL: the item on screen (?item=), so a link opens the same item. */
export const labellingUrl = textFields(["item"] as const);

export type ReviewView = "review" | "adjudicate";
export type ReviewPageState = { view: ReviewView; item: string };

/** The review page's URL: agreeing items to review or disagreeing ones to adjudicate (?view=), and the item. */
export function parseReviewState(params: URLSearchParams): ReviewPageState {
  return { view: params.get("view") === "adjudicate" ? "adjudicate" : "review", item: params.get("item") ?? "" };
}

export function serializeReviewState(state: ReviewPageState): URLSearchParams {
  const params = new URLSearchParams();
  if (state.view === "adjudicate") params.set("view", "adjudicate");
  if (state.item) params.set("item", state.item);
  return params;
}
