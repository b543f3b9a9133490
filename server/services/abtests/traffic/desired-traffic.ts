import type { EndpointState } from "@/server/integrations/targets/deployment-target";

/** The statuses a test's traffic can be moved to (AbTestStatus). */
export type TrafficStatus = "PLANNED" | "SHADOW" | "RUNNING" | "STOPPED" | "CONCLUDED";

export type TrafficArm = {
  variantName: string;
  role: "CHAMPION" | "CHALLENGER";
  /** The pre-registered share of live traffic while the test runs. */
  weight: number;
  /** Taken off traffic during the test (harm, or by hand): weight 0, its share to the champion. */
  stopped: boolean;
};

export type DesiredVariant = { variantName: string; weight: number; shadow: boolean; champion: boolean };

/** What the endpoint serves in each status: the variants, their live weights, and the routing salt. */
export type DesiredTraffic = { variants: DesiredVariant[]; salt: string | undefined };

/**
 * The endpoint's traffic for a test in `status`. Before and after the test the champion serves alone; in shadow mode
 * the challengers (but stopped ones) receive mirrored copies; while running every arm is live at its weight, a
 * stopped challenger at 0 with its share moved to the champion (so SRM still compares the arms that take traffic).
 */
export function desiredTraffic(status: TrafficStatus, arms: readonly TrafficArm[], salt: string): DesiredTraffic {
  const champion = arms.find((arm) => arm.role === "CHAMPION");
  if (!champion) throw new Error("A test has a champion arm");
  const challengers = arms.filter((arm) => arm.role === "CHALLENGER");
  const alone: DesiredVariant = { variantName: champion.variantName, weight: 100, shadow: false, champion: true };
  if (status === "SHADOW") {
    const mirrored = challengers.filter((arm) => !arm.stopped);
    return {
      variants: [alone, ...mirrored.map((arm) => ({ ...variantOf(arm), weight: 0, shadow: true }))],
      salt: undefined,
    };
  }
  if (status !== "RUNNING") return { variants: [alone], salt: undefined };
  const moved = challengers.filter((arm) => arm.stopped).reduce((sum, arm) => sum + arm.weight, 0);
  return {
    variants: [
      { ...alone, weight: champion.weight + moved },
      ...challengers.map((arm) => ({ ...variantOf(arm), weight: arm.stopped ? 0 : arm.weight })),
    ],
    salt,
  };
}

const variantOf = (arm: TrafficArm): DesiredVariant => ({
  variantName: arm.variantName,
  weight: arm.weight,
  shadow: false,
  champion: false,
});

/** Whether the target already serves exactly these variants, loaded, with the same shadow roles (weights aside). */
export function servesVariantSet(state: EndpointState, desired: DesiredTraffic): boolean {
  if (state.status !== "healthy" || state.failureReason) return false;
  if (state.variants.length !== desired.variants.length) return false;
  const byName = new Map(state.variants.map((variant) => [variant.variantName, variant]));
  return desired.variants.every((want) => {
    const have = byName.get(want.variantName);
    return have !== undefined && have.ready && (have.shadow ?? false) === want.shadow;
  });
}

/** Whether the target's live weights already are the desired ones. */
export function servesWeights(state: EndpointState, desired: DesiredTraffic): boolean {
  const byName = new Map(state.variants.map((variant) => [variant.variantName, variant.weight]));
  return desired.variants.filter((v) => !v.shadow).every((v) => byName.get(v.variantName) === v.weight);
}

/** Live weights keyed by variant, as setWeights takes them (shadows have none). */
export function liveWeights(variants: readonly DesiredVariant[]): Record<string, number> {
  return Object.fromEntries(variants.filter((v) => !v.shadow).map((v) => [v.variantName, v.weight]));
}

/**
 * The weights to set before changing the variant set: everything on the champion, so an apply that adds or removes
 * variants never changes who answers while it settles. Null when nothing but the champion takes traffic already.
 */
export function championOnlyWeights(state: EndpointState, championVariant: string): Record<string, number> | null {
  const live = state.variants.filter((variant) => !variant.shadow);
  if (!live.some((variant) => variant.variantName === championVariant)) return null;
  if (live.every((variant) => variant.variantName === championVariant || variant.weight === 0)) return null;
  return Object.fromEntries(live.map((v) => [v.variantName, v.variantName === championVariant ? 100 : 0]));
}
