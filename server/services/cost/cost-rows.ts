import { dollarsFor, dollarsPerThousand } from "@/server/services/cost/cost-math";
import type { EndpointOwner } from "@/server/services/cost/endpoint-owners";
import type { CostRow, VariantUsage } from "@/server/services/cost/schemas";

type Grouping = {
  key: (endpoint: string) => string;
  describe: (endpoint: string) => Pick<CostRow, "label" | "modelName" | "teamName">;
};

export function groupings(owners: Map<string, EndpointOwner>) {
  const owner = (endpoint: string) => owners.get(endpoint);
  return {
    endpoint: {
      key: (e) => e,
      describe: (e) => ({ label: e, modelName: owner(e)?.modelName ?? null, teamName: owner(e)?.teamName ?? null }),
    },
    model: {
      key: (e) => owner(e)?.modelName ?? "",
      describe: (e) => ({
        label: owner(e)?.modelName ?? "Not in the registry",
        modelName: owner(e)?.modelName ?? null,
        teamName: owner(e)?.teamName ?? null,
      }),
    },
    team: {
      key: (e) => owner(e)?.teamId ?? "",
      describe: (e) => ({
        label: owner(e)?.teamName ?? "No team",
        modelName: null,
        teamName: owner(e)?.teamName ?? null,
      }),
    },
    total: { key: () => "total", describe: () => ({ label: "All endpoints", modelName: null, teamName: null }) },
  } satisfies Record<string, Grouping>;
}

/** Sums usage and predictions into one row per group, pricing each instance type from the table. */
export function costRows(
  usage: VariantUsage[],
  predictionsByEndpoint: Map<string, number>,
  prices: Map<string, number>,
  grouping: Grouping,
): CostRow[] {
  const rows = new Map<string, CostRow>();
  const rowFor = (endpoint: string) => {
    const key = grouping.key(endpoint);
    let row = rows.get(key);
    if (!row) {
      row = {
        key,
        ...grouping.describe(endpoint),
        instanceSeconds: 0,
        instancesNow: 0,
        usd: 0,
        usdPerHourNow: 0,
        usdPerDayNow: 0,
        predictions: 0,
        usdPer1kPredictions: null,
        unpricedInstanceTypes: [],
      };
      rows.set(key, row);
    }
    return row;
  };
  for (const u of usage) {
    const row = rowFor(u.endpoint);
    row.instanceSeconds += u.instanceSeconds;
    row.instancesNow += u.instancesNow;
    const price = prices.get(u.instanceType);
    if (price === undefined) {
      if (!row.unpricedInstanceTypes.includes(u.instanceType)) row.unpricedInstanceTypes.push(u.instanceType);
      continue;
    }
    row.usd += dollarsFor(u.instanceSeconds, price);
    row.usdPerHourNow += u.instancesNow * price;
  }
  for (const [endpoint, predictions] of predictionsByEndpoint) rowFor(endpoint).predictions += predictions;
  for (const row of rows.values()) {
    row.usdPerDayNow = row.usdPerHourNow * 24;
    row.usdPer1kPredictions = dollarsPerThousand(row.usd, row.predictions);
  }
  return [...rows.values()].sort((a, b) => b.usd - a.usd || a.label.localeCompare(b.label));
}
