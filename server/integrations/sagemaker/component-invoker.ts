import { InvokeEndpointCommand, type SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import { SageMakerRequestError } from "@/server/integrations/sagemaker/errors";
import { sendUnlessCarriedOut, type RetryPolicy } from "@/server/integrations/sagemaker/retry";

/**
 * A component's answer, or that it is asleep: with 0 copies SageMaker refuses the request (a ValidationError, "no
 * capacity") and counts it in `NoCapacityInvocationFailures`, whose alarm starts a copy — the caller is told to come
 * back (503 + Retry-After), as a sleeping local endpoint does.
 */
export type ComponentAnswer =
  | {
      kind: "answer";
      body: Uint8Array;
      contentType: string | undefined;
      variant: string | undefined;
      /** SageMaker's id of the request (x-amzn-RequestId). */
      requestId: string | undefined;
    }
  | { kind: "asleep"; message: string };

const isNoCapacity = (error: unknown): error is SageMakerRequestError =>
  error instanceof SageMakerRequestError &&
  error.awsErrorName === "ValidationError" &&
  /no capacity/i.test(error.awsMessage);

/** Real-time calls to one inference component of an endpoint (the component's name travels as a header). */
export class SageMakerComponentInvoker {
  constructor(
    private readonly runtime: SageMakerRuntimeClient,
    private readonly retry: RetryPolicy,
  ) {}

  /** A prediction is sent again only when SageMaker throttled it (refused before it ran). */
  async invoke(
    endpointName: string,
    componentName: string,
    body: Uint8Array,
    contentType: string,
  ): Promise<ComponentAnswer> {
    try {
      const answer = await sendUnlessCarriedOut("InvokeEndpoint", this.retry, () =>
        this.runtime.send(
          new InvokeEndpointCommand({
            EndpointName: endpointName,
            InferenceComponentName: componentName,
            Body: body,
            ContentType: contentType,
          }),
        ),
      );
      return {
        kind: "answer",
        body: answer.Body ?? new Uint8Array(),
        contentType: answer.ContentType,
        variant: answer.InvokedProductionVariant,
        requestId: answer.$metadata.requestId,
      };
    } catch (error) {
      if (isNoCapacity(error)) return { kind: "asleep", message: error.awsMessage };
      throw error;
    }
  }
}
