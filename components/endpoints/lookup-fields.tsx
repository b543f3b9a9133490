"use client";

import { useQuery } from "@tanstack/react-query";
import { useFieldArray, useFormContext, useWatch } from "react-hook-form";
import { REQUEST_TRANSFORMS } from "@/contracts/online-features";
import type { OnlineFeaturesFormValues } from "@/components/endpoints/online-features-form-schema";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { useTRPC } from "@/trpc/react";

const TRANSFORM_HINTS: Record<keyof typeof REQUEST_TRANSFORMS, string> = {
  utc_hour: "timestamp",
  log1p: "amount",
  haversine_km: "lat, lon, home_lat, home_lon",
  differs: "country, home_country",
};

/** Which of the team's feature groups is read, by which request field, into which inputs; and request features. */
export function LookupFields({ teamId, inputs }: { teamId: string; inputs: readonly string[] }) {
  const trpc = useTRPC();
  const groups = useQuery(trpc.features.groups.queryOptions());
  const { register, control, setValue } = useFormContext<OnlineFeaturesFormValues>();
  const requestFeatures = useFieldArray({ control, name: "requestFeatures" });
  const groupName = useWatch({ control, name: "featureGroup" });
  // Kept as a list by hand: react-hook-form gives a lone checkbox's value as a string, not a one-item list.
  const stored = useWatch({ control, name: "storedFeatures" });
  const own = (groups.data?.groups ?? []).filter((g) => g.teamId === teamId);
  const group = own.find((g) => g.name === groupName);
  const choose = (name: string) => {
    const chosen = own.find((g) => g.name === name);
    setValue("featureGroup", name);
    setValue("entityKey", chosen?.entityKey ?? "");
    setValue("storedFeatures", chosen?.features.filter((f) => inputs.includes(f)) ?? []);
  };
  if (groups.isPending) return <p className="text-sm text-slate-500">Loading feature groups…</p>;
  if (groups.isError)
    return <p className="text-sm text-rose-700">Could not load feature groups: {groups.error.message}</p>;
  if (own.length === 0)
    return (
      <p className="text-sm text-slate-500" data-testid="no-feature-groups">
        The team has no feature group yet: a feature pipeline creates one with <code>POST /api/v1/feature-groups</code>.
      </p>
    );
  return (
    <fieldset className="space-y-3 rounded-md border border-slate-200 p-3">
      <legend className="px-1 text-xs text-slate-500">Feature lookup</legend>
      <div className="grid gap-3 sm:grid-cols-2">
        <label className="text-sm text-slate-700">
          Feature group
          <Select
            className="mt-1 block w-full"
            value={groupName}
            onChange={(e) => choose(e.target.value)}
            data-testid="lookup-group"
          >
            <option value="">Choose…</option>
            {own.map((g) => (
              <option key={g.name} value={g.name}>
                {g.name} ({g.entities.toLocaleString("en-US")} entities)
              </option>
            ))}
          </Select>
        </label>
        <label className="text-sm text-slate-700">
          Request field with the entity&apos;s id
          <Input className="mt-1" {...register("entityKey")} data-testid="lookup-entity-key" />
        </label>
      </div>
      {group && (
        <div className="text-sm text-slate-700">
          Stored features read into each row
          <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1">
            {group.features.map((feature) => (
              <label key={feature} className="flex items-center gap-1 font-mono text-xs">
                <input
                  type="checkbox"
                  checked={stored.includes(feature)}
                  onChange={(e) =>
                    setValue(
                      "storedFeatures",
                      e.target.checked ? [...stored, feature] : stored.filter((name) => name !== feature),
                    )
                  }
                />
                {feature}
                {!inputs.includes(feature) && <span className="font-sans text-slate-400">(not an input)</span>}
              </label>
            ))}
          </div>
        </div>
      )}
      <div className="space-y-2 text-sm text-slate-700">
        <p>Request features, computed from request fields by the code training uses</p>
        {requestFeatures.fields.map((field, i) => (
          <div key={field.id} className="flex flex-wrap items-center gap-2" data-testid="request-feature">
            <Input
              className="w-32"
              placeholder="feature"
              aria-label="Feature name"
              {...register(`requestFeatures.${i}.name`)}
            />
            <span>=</span>
            <Select aria-label="Transform" {...register(`requestFeatures.${i}.transform`)}>
              {Object.keys(REQUEST_TRANSFORMS).map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </Select>
            <Input
              className="w-56"
              placeholder="fields, comma-separated"
              aria-label="From fields"
              {...register(`requestFeatures.${i}.from`)}
            />
            <Button variant="ghost" size="sm" onClick={() => requestFeatures.remove(i)}>
              Remove
            </Button>
          </div>
        ))}
        <Button
          variant="ghost"
          size="sm"
          onClick={() => requestFeatures.append({ name: "", transform: "utc_hour", from: TRANSFORM_HINTS.utc_hour })}
        >
          Add a request feature
        </Button>
      </div>
    </fieldset>
  );
}
