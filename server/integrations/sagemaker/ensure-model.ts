import type { CreateModelCommandInput } from "@aws-sdk/client-sagemaker";
import { conflict } from "@/server/errors";
import type { SageMakerApi } from "@/server/integrations/sagemaker/api";
import { isAlreadyExists } from "@/server/integrations/sagemaker/errors";
import { isSameModel } from "@/server/integrations/sagemaker/model-definition";

/**
 * Creates the model, or reuses the one a retried job (or another endpoint or batch job of the same definition)
 * already created under its content-derived name; a different model under that name is a conflict.
 */
export async function ensureModel(api: SageMakerApi, model: CreateModelCommandInput & { ModelName: string }) {
  try {
    await api.createModel(model);
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
    if (!isSameModel(model, await api.describeModel(model.ModelName))) {
      throw conflict(
        `A different SageMaker model named ${model.ModelName} already exists; delete it or rename the variant`,
      );
    }
  }
}
