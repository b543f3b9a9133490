import type { Role, TaskType } from "@/server/db/generated/enums";

/** What the demo company looks like. Every row created from this is labelled demo. */
export const DEMO_TEAMS = ["Fraud & Risk", "Logistics", "Discovery", "Conversational AI"] as const;
export type DemoTeam = (typeof DEMO_TEAMS)[number];

export const DEMO_PEOPLE: { email: string; name: string; role: Role; team: DemoTeam }[] = [
  { email: "ada.admin@modelport.dev", name: "Ada Admin", role: "ADMIN", team: "Fraud & Risk" },
  { email: "dana.scientist@modelport.dev", name: "Dana Scientist", role: "DATA_SCIENTIST", team: "Fraud & Risk" },
  { email: "luis.scientist@modelport.dev", name: "Luis Scientist", role: "DATA_SCIENTIST", team: "Logistics" },
  { email: "rita.reviewer@modelport.dev", name: "Rita Reviewer", role: "REVIEWER", team: "Fraud & Risk" },
  { email: "manuel.manager@modelport.dev", name: "Manuel Manager", role: "MANAGER", team: "Logistics" },
  { email: "vera.viewer@modelport.dev", name: "Vera Viewer", role: "VIEWER", team: "Conversational AI" },
  { email: "fay.labeller@modelport.dev", name: "Fay Labeller", role: "DATA_SCIENTIST", team: "Fraud & Risk" },
  { email: "finn.labeller@modelport.dev", name: "Finn Labeller", role: "DATA_SCIENTIST", team: "Fraud & Risk" },
  { email: "rosa.reviewer@modelport.dev", name: "Rosa Reviewer", role: "REVIEWER", team: "Fraud & Risk" },
  { email: "lena.labeller@modelport.dev", name: "Lena Labeller", role: "DATA_SCIENTIST", team: "Logistics" },
  { email: "leo.labeller@modelport.dev", name: "Leo Labeller", role: "DATA_SCIENTIST", team: "Logistics" },
  { email: "olga.reviewer@modelport.dev", name: "Olga Reviewer", role: "REVIEWER", team: "Logistics" },
];

/**
 * The DEMO label crews `npm start`'s traffic generator acts as (scripts/demo-traffic/demo-labelling.ts): two
 * annotators and a reviewer per team, so the demo people (Dana, Rita, Luis…) find their own queues untouched.
 */
export const DEMO_LABEL_CREWS: Partial<Record<DemoTeam, { annotators: [string, string]; reviewer: string }>> = {
  "Fraud & Risk": {
    annotators: ["fay.labeller@modelport.dev", "finn.labeller@modelport.dev"],
    reviewer: "rosa.reviewer@modelport.dev",
  },
  Logistics: {
    annotators: ["lena.labeller@modelport.dev", "leo.labeller@modelport.dev"],
    reviewer: "olga.reviewer@modelport.dev",
  },
};

type MetricShape = "score" | "lowerIsBetter";

export type DemoModel = {
  name: string;
  team: DemoTeam;
  taskType: TaskType;
  format: "ONNX" | "VLLM";
  tags: string[];
  description: string;
  owner: string;
  /** Headline metric and whether higher is better. */
  primaryMetric: { key: string; shape: MetricShape; best: number; worst: number };
  /** Hyper-parameter grid sampled per run. */
  params: Record<string, readonly (string | number)[]>;
  /** Classifiers: class names (negative first, positive last) and the decision threshold. */
  outcome?: { classes: string[]; decisionThreshold: number };
};

const GBT_PARAMS = {
  learning_rate: [0.01, 0.03, 0.05, 0.1, 0.2],
  max_depth: [3, 4, 5, 6, 8, 10],
  n_estimators: [100, 200, 400, 800],
  subsample: [0.6, 0.8, 1.0],
  min_child_weight: [1, 3, 5],
} as const;

const NN_PARAMS = {
  learning_rate: [0.0001, 0.0003, 0.001, 0.003],
  batch_size: [128, 256, 512, 1024],
  embedding_dim: [32, 64, 128],
  dropout: [0.0, 0.1, 0.2, 0.3],
  optimizer: ["adam", "adamw", "sgd"],
} as const;

const LLM_PARAMS = {
  learning_rate: [0.00001, 0.00002, 0.00005, 0.0001],
  lora_rank: [8, 16, 32, 64],
  epochs: [1, 2, 3],
  base_model: ["qwen2.5-1.5b-instruct", "llama-3.2-3b-instruct"],
  quantization: ["none", "awq-int4"],
} as const;

export const DEMO_MODELS: DemoModel[] = [
  {
    name: "fraud-detector-xgb",
    team: "Fraud & Risk",
    taskType: "CLASSIFICATION",
    format: "ONNX",
    tags: ["fraud", "tabular", "realtime"],
    description:
      "Scores card transactions for fraud in real time.\n\n- **Inputs:** 50 tabular features (amount, merchant category, velocity counters)\n- **Decision:** block above 0.7\n- **SLO:** p99 < 100 ms",
    owner: "dana.scientist@modelport.dev",
    primaryMetric: { key: "val_auc", shape: "score", best: 0.965, worst: 0.86 },
    params: GBT_PARAMS,
    outcome: { classes: ["legit", "fraud"], decisionThreshold: 0.5 },
  },
  {
    name: "chargeback-risk",
    team: "Fraud & Risk",
    taskType: "CLASSIFICATION",
    format: "ONNX",
    tags: ["fraud", "tabular", "batch"],
    description: "Predicts which settled orders will be charged back within 60 days. Scored nightly.",
    owner: "dana.scientist@modelport.dev",
    primaryMetric: { key: "val_auc", shape: "score", best: 0.91, worst: 0.78 },
    params: GBT_PARAMS,
    outcome: { classes: ["kept", "charged-back"], decisionThreshold: 0.5 },
  },
  {
    name: "account-takeover-detector",
    team: "Fraud & Risk",
    taskType: "CLASSIFICATION",
    format: "ONNX",
    tags: ["fraud", "security", "realtime"],
    description: "Flags log-ins that look like account takeover (new device, impossible travel, credential stuffing).",
    owner: "dana.scientist@modelport.dev",
    primaryMetric: { key: "val_auc", shape: "score", best: 0.94, worst: 0.83 },
    params: GBT_PARAMS,
  },
  {
    name: "delivery-time-estimator",
    team: "Logistics",
    taskType: "REGRESSION",
    format: "ONNX",
    tags: ["eta", "tabular", "realtime"],
    description: "Estimates minutes from order to door, shown to customers at checkout.",
    owner: "luis.scientist@modelport.dev",
    primaryMetric: { key: "val_mae_minutes", shape: "lowerIsBetter", best: 3.1, worst: 7.5 },
    params: GBT_PARAMS,
  },
  {
    name: "prep-time-regressor",
    team: "Logistics",
    taskType: "REGRESSION",
    format: "ONNX",
    tags: ["eta", "restaurants"],
    description: "Predicts how long a restaurant needs to prepare an order, used to dispatch couriers on time.",
    owner: "luis.scientist@modelport.dev",
    primaryMetric: { key: "val_mae_minutes", shape: "lowerIsBetter", best: 2.4, worst: 5.8 },
    params: GBT_PARAMS,
  },
  {
    name: "courier-assignment-ranker",
    team: "Logistics",
    taskType: "RANKING",
    format: "ONNX",
    tags: ["dispatch", "ranking", "realtime"],
    description: "Ranks available couriers for an order by expected pickup delay and acceptance probability.",
    owner: "luis.scientist@modelport.dev",
    primaryMetric: { key: "ndcg_at_10", shape: "score", best: 0.82, worst: 0.64 },
    params: NN_PARAMS,
  },
  {
    name: "restaurant-recommender",
    team: "Discovery",
    taskType: "RANKING",
    format: "ONNX",
    tags: ["recsys", "home-feed", "realtime"],
    description: "Two-tower model ranking restaurants on the home feed.",
    owner: "luis.scientist@modelport.dev",
    primaryMetric: { key: "ndcg_at_10", shape: "score", best: 0.47, worst: 0.31 },
    params: NN_PARAMS,
  },
  {
    name: "dish-embedding",
    team: "Discovery",
    taskType: "OTHER",
    format: "ONNX",
    tags: ["embeddings", "recsys", "batch"],
    description: "Dish embeddings trained on co-orders; feeds search and recommendations.",
    owner: "luis.scientist@modelport.dev",
    primaryMetric: { key: "recall_at_50", shape: "score", best: 0.71, worst: 0.52 },
    params: NN_PARAMS,
  },
  {
    name: "search-ranker",
    team: "Discovery",
    taskType: "RANKING",
    format: "ONNX",
    tags: ["search", "ranking", "realtime"],
    description: "Learning-to-rank model for restaurant and dish search results.",
    owner: "luis.scientist@modelport.dev",
    primaryMetric: { key: "ndcg_at_10", shape: "score", best: 0.61, worst: 0.45 },
    params: GBT_PARAMS,
  },
  {
    name: "grocery-list-llm",
    team: "Conversational AI",
    taskType: "LLM",
    format: "VLLM",
    tags: ["llm", "grocery", "vllm"],
    description:
      'Turns a free-text request ("dinner for four, vegetarian") into a grocery list mapped to catalogue items. Served with vLLM.',
    owner: "dana.scientist@modelport.dev",
    primaryMetric: { key: "exact_match", shape: "score", best: 0.78, worst: 0.51 },
    params: LLM_PARAMS,
  },
  {
    name: "support-intent-classifier",
    team: "Conversational AI",
    taskType: "CLASSIFICATION",
    format: "ONNX",
    tags: ["nlp", "support", "realtime"],
    description: "Routes customer-service chats to the right flow (refund, late order, missing item, account).",
    owner: "dana.scientist@modelport.dev",
    primaryMetric: { key: "val_macro_f1", shape: "score", best: 0.89, worst: 0.72 },
    params: NN_PARAMS,
  },
  {
    name: "menu-summarizer-llm",
    team: "Conversational AI",
    taskType: "LLM",
    format: "VLLM",
    tags: ["llm", "restaurants", "vllm"],
    description: "Writes short menu summaries for restaurant pages.",
    owner: "dana.scientist@modelport.dev",
    primaryMetric: { key: "rouge_l", shape: "score", best: 0.46, worst: 0.31 },
    params: LLM_PARAMS,
  },
];
