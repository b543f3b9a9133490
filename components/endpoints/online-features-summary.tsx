import type { OnlineFeatures } from "@/contracts/online-features";

const describeRule = (rule: NonNullable<OnlineFeatures["fallback"]>["rules"][number]) =>
  `if ${rule.when.map((c) => `${c.field} ${c.op} ${c.value}`).join(" and ")} → ${Object.entries(rule.outputs)
    .map(([output, value]) => `${output} = ${String(value)}`)
    .join(", ")}`;

/** What the endpoint looks up before its model and what answers when the model fails, in words. */
export function OnlineFeaturesSummary({ setting }: { setting: OnlineFeatures | null }) {
  if (!setting)
    return (
      <p className="text-sm text-slate-500" data-testid="online-features-none">
        Callers send every feature; when the model fails the request fails.
      </p>
    );
  const { lookup, fallback } = setting;
  return (
    <dl className="space-y-2 text-sm" data-testid="online-features-summary">
      <div>
        <dt className="text-slate-500">Feature lookup</dt>
        <dd>
          {lookup ? (
            <>
              <span className="font-mono">{lookup.storedFeatures.join(", ")}</span> from group{" "}
              <span className="font-mono">{lookup.featureGroup}</span> by{" "}
              <span className="font-mono">{lookup.entityKey}</span> (Redis, else PostgreSQL)
              {lookup.requestFeatures.map((f) => (
                <span key={f.name} className="block font-mono text-xs text-slate-600">
                  {f.name} = {f.transform}({f.from.join(", ")})
                </span>
              ))}
            </>
          ) : (
            "none: callers send every feature"
          )}
        </dd>
      </div>
      <div>
        <dt className="text-slate-500">Fallback when the model fails</dt>
        <dd>
          {fallback ? (
            <ul className="font-mono text-xs text-slate-700">
              {fallback.rules.map((rule, i) => (
                <li key={i}>{describeRule(rule)}</li>
              ))}
              <li>
                otherwise →{" "}
                {Object.entries(fallback.otherwise)
                  .map(([output, value]) => `${output} = ${String(value)}`)
                  .join(", ")}
              </li>
            </ul>
          ) : (
            "none: a failing model fails the request"
          )}
        </dd>
      </div>
    </dl>
  );
}
