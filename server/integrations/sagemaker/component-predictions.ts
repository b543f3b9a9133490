import type { SageMakerApi } from "@/server/integrations/sagemaker/api";
import type { ComponentAnswer, SageMakerComponentInvoker } from "@/server/integrations/sagemaker/component-invoker";
import { componentServing } from "@/server/integrations/sagemaker/component-hosting";
import type { InferenceComponentsApi } from "@/server/integrations/sagemaker/inference-components";

/** A version's answer on a component endpoint, that it sleeps, or that no component of the endpoint runs it. */
export type VersionAnswer = (ComponentAnswer & { component: string }) | { kind: "not-hosted" };

/** What the portal asks of SageMaker to send a prediction to one version of a component endpoint. */
export type ComponentPredictionSource = {
  predict(endpointName: string, version: number, csv: Uint8Array): Promise<VersionAnswer>;
};

/**
 * Real-time predictions for a chosen version of an endpoint hosting inference components: the component running it
 * is looked up on SageMaker (never guessed), then called by name with CSV records in the signature's input order.
 */
export class SageMakerComponentPredictions implements ComponentPredictionSource {
  constructor(
    private readonly api: SageMakerApi,
    private readonly components: InferenceComponentsApi,
    private readonly invoker: SageMakerComponentInvoker,
  ) {}

  async predict(endpointName: string, version: number, csv: Uint8Array): Promise<VersionAnswer> {
    const component = await componentServing(this.api, this.components, endpointName, version);
    if (!component) return { kind: "not-hosted" };
    const answer = await this.invoker.invoke(endpointName, component, csv, "text/csv");
    return { ...answer, component };
  }
}
