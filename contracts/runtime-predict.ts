/** What the runtime's POST /v1/endpoints/:name/predict answers. */
export type OutputValue = number | string | boolean | Array<number | string | boolean>;
export type Prediction = Record<string, OutputValue>;

export type PredictResponse = {
  predictionId: string;
  endpoint: string;
  variant: string;
  modelName?: string;
  modelVersion?: number;
  predictions: Prediction[];
};
