import type { DeploymentTargetKind } from "@/contracts/enums";
import { dollarsFor, dollarsPerThousand } from "@/server/services/cost/cost-math";
import type { EndpointOwner } from "@/server/services/cost/endpoint-owners";
import type { CostRow, EndpointPredictions, VariantUsage } from "@/server/services/cost/schemas";

type Grouping = {
  key: (endpoint: string) => string;
  describe: (endpoint: string) => Pick<CostRow, "label" | "modelName" | "teamName">;
};

const TARGET_LABELS: Record<DeploymentTargetKind, string> = {
  LOCAL: "Local runtime",
  SAGEMAKER: "SageMaker",
  KUBERNETES: "Kubernetes",
};

export function groupings(owners: Map<string, EndpointOwner>, targets: Map<string, DeploymentTargetKind> = new Map()) {
  const owner = (endpoint: string) => owners.get(endpoint);
  const target = (endpoint: string) => targets.get(endpoint) ?? owner(endpoint)?.target;
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
    target: {
      key: (e) => target(e) ?? "",
      describe: (e) => {
        const kind = target(e);
        return { label: kind ? TARGET_LABELS[kind] : "Unknown target", modelName: null, teamName: null };
      },
    },
    total: { key: () => "total", describe: () => ({ label: "All endpoints", modelName: null, teamName: null }) },
  } satisfies Record<string, Grouping>;
}

/**
 * Sums usage and predictions into one row per group, pricing each instance type from the table. Each endpoint's
 * predictions were counted on its own target (see predictions.ts), so a row's $/1k predictions is its endpoints' cost
 * over the same endpoints' predictions; a row with an endpoint whose predictions are unknown has neither a prediction
 * count nor a $/1k (it is "not measured"), rather than dividing all its cost by some of its predictions.
 */
export function costRows(
  usage: VariantUsage[],
  predictions: Map<string, EndpointPredictions>,
  prices: Map<string, number>,
  grouping: Grouping,
): CostRow[] {
  const rows = new Map<string, CostRow>();
  const targets = new Map<string, Set<DeploymentTargetKind>>();
  const rowFor = (endpoint: string, target: DeploymentTargetKind) => {
    const key = grouping.key(endpoint);
    let row = rows.get(key);
    if (!row) {
      row = {
        key,
        ...grouping.describe(endpoint),
        target,
        instanceSeconds: 0,
        instancesNow: 0,
        usd: 0,
        usdPerHourNow: 0,
        usdPerDayNow: 0,
        predictions: 0,
        usdPer1kPredictions: null,
        predictionsNotMeasured: [],
        unpricedInstanceTypes: [],
      };
      rows.set(key, row);
      targets.set(key, new Set());
    }
    targets.get(key)?.add(target);
    return row;
  };
  for (const u of usage) {
    const row = rowFor(u.endpoint, predictions.get(u.endpoint)?.target ?? u.target);
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
  for (const counted of predictions.values()) {
    const row = rowFor(counted.endpoint, counted.target);
    if (counted.predictions === null) {
      if (!row.predictionsNotMeasured.includes(counted.endpoint)) row.predictionsNotMeasured.push(counted.endpoint);
    } else if (row.predictions !== null) {
      row.predictions += counted.predictions;
    }
  }
  for (const row of rows.values()) {
    const kinds = targets.get(row.key) ?? new Set();
    row.target = kinds.size === 1 ? [...kinds][0]! : null;
    if (row.predictionsNotMeasured.length > 0) row.predictions = null;
    row.usdPerDayNow = row.usdPerHourNow * 24;
    row.usdPer1kPredictions = row.predictions === null ? null : dollarsPerThousand(row.usd, row.predictions);
  }
  return [...rows.values()].sort((a, b) => b.usd - a.usd || a.label.localeCompare(b.label));
}
