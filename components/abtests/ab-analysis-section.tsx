import { AbArmsTable } from "@/components/abtests/ab-arms-table";
import { AbComparisonsTable } from "@/components/abtests/ab-comparisons-table";
import { AbCostTable } from "@/components/abtests/ab-cost-table";
import { AbIntervalChart } from "@/components/abtests/ab-interval-chart";
import { AbLatencyTable } from "@/components/abtests/ab-latency-table";
import { AbScoreShiftTable } from "@/components/abtests/ab-score-shift-table";
import { AbShadowTable } from "@/components/abtests/ab-shadow-table";
import type { AbTestView } from "@/components/abtests/ab-test-types";
import { AbVerdicts } from "@/components/abtests/ab-verdicts";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";

/** The latest look of the live analysis: verdicts first, then the evidence behind them, for everyone who reads the test. */
export function AbAnalysisSection({ test }: { test: AbTestView }) {
  const { analysis } = test;
  if (!analysis)
    return (
      <div className="mb-6" data-testid="ab-analysis-empty">
        <EmptyState
          title="No look at the data yet"
          description="The first look comes within a minute of the test starting; the verdict, the metrics and their intervals appear here then."
        />
      </div>
    );
  return (
    <div className="mb-6 space-y-6" data-testid="ab-analysis">
      <AbVerdicts analysis={analysis} arms={test.arms} />
      <AbIntervalChart test={test} />
      <AbComparisonsTable comparisons={analysis.comparisons} arms={test.arms} />
      <AbArmsTable analysis={analysis} test={test} />
      <div className="grid gap-6 lg:grid-cols-2">
        <AbLatencyTable quantiles={analysis.quantiles} arms={test.arms} />
        {(analysis.costs.length > 0 || analysis.scoreShift.length > 0) && (
          <Card title="Cost and score shift" className="min-w-0">
            <div className="space-y-4">
              {analysis.costs.length > 0 && <AbCostTable costs={analysis.costs} arms={test.arms} />}
              {analysis.scoreShift.length > 0 && <AbScoreShiftTable shifts={analysis.scoreShift} arms={test.arms} />}
            </div>
          </Card>
        )}
      </div>
      {analysis.shadow.length > 0 && <AbShadowTable shadows={analysis.shadow} arms={test.arms} />}
    </div>
  );
}
