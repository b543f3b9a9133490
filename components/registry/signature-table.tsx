import type { Signature } from "@/contracts/signature";
import { tableClasses } from "@/components/ui/table-classes";

type Tensor = Signature["inputs"][number];

const formatShape = (shape: Tensor["shape"]) =>
  shape ? `[${shape.map((d) => (d === null || d === -1 ? "?" : d)).join(", ")}]` : "any";

function TensorRows({ kind, tensors }: { kind: "Input" | "Output"; tensors: Tensor[] }) {
  return tensors.map((t) => (
    <tr key={`${kind}:${t.name}`} className={tableClasses.row}>
      <td className={tableClasses.tdWrap}>{kind}</td>
      <td className={`${tableClasses.tdWrap} font-mono`}>{t.name}</td>
      <td className={`${tableClasses.tdWrap} font-mono`}>{t.type}</td>
      <td className={`${tableClasses.tdWrap} font-mono`}>{formatShape(t.shape)}</td>
    </tr>
  ));
}

/** Inputs and outputs the version expects; `?` marks a variable dimension such as the batch. */
export function SignatureTable({ signature }: { signature: Signature | null }) {
  if (!signature) return <p className="text-sm text-slate-500">Registered without a signature.</p>;
  return (
    <div className={tableClasses.wrapper}>
      <table className={tableClasses.table} data-testid="signature-table">
        <thead className={tableClasses.head}>
          <tr>
            {["Kind", "Name", "Type", "Shape"].map((h) => (
              <th key={h} scope="col" className={tableClasses.th}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className={tableClasses.body}>
          <TensorRows kind="Input" tensors={signature.inputs} />
          <TensorRows kind="Output" tensors={signature.outputs} />
        </tbody>
      </table>
    </div>
  );
}
