import { EmptyState } from "@/components/ui/empty-state";

/** How to get drift data on a fresh machine: deployed versions with a reference profile, traffic, and a scan. */
export function DriftEmptyState({ title }: { title: string }) {
  return (
    <EmptyState
      title={title}
      description={
        <>
          Drift is measured on served traffic. Deploy a version that has a reference profile (registered from a run with
          a training-sample.csv), send it traffic — for demo data run <code className="font-mono">npm run traffic</code>{" "}
          (add <code className="font-mono">--drift amount --drift-after 120</code> to simulate a shift) — then wait for
          the next scan or choose Scan now on an endpoint.
        </>
      }
    />
  );
}
