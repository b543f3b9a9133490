import type { ReactNode } from "react";
import type { AbTestView } from "@/components/abtests/ab-test-types";
import { armName } from "@/components/abtests/ab-verdict-wording";
import { tableClasses as t } from "@/components/ui/table-classes";

/** A row's header cell naming the test's arm ("v2"), with anything the row adds beside the name. */
export function ArmRowHeader({
  arms,
  variantName,
  children,
}: {
  arms: AbTestView["arms"];
  variantName: string;
  children?: ReactNode;
}) {
  return (
    <th scope="row" className={`${t.tdWrap} text-left`}>
      <span className="font-medium">{armName(arms, variantName)}</span>
      {children}
    </th>
  );
}
