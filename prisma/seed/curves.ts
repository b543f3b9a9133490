import type { Random } from "@/training/random";

export type CurvePoint = { step: number; value: number };

export type TrainingCurveSpec = {
  steps: number;
  /** Where the validation metric ends up for this run's hyper-parameters (before noise). */
  finalScore: number;
  /** Score at step 0. */
  initialScore: number;
  /** Steps to get ~63% of the way from initial to final. */
  timeConstant: number;
  /** Late-training overfitting: how much validation loss rises after its minimum. */
  overfit: number;
  noise: number;
};

/** A saturating learning curve: fast early gains, a plateau, measurement noise. */
export function scoreCurve(spec: TrainingCurveSpec, random: Random): CurvePoint[] {
  return Array.from({ length: spec.steps }, (_, step) => {
    const progress = 1 - Math.exp(-step / spec.timeConstant);
    const value = spec.initialScore + (spec.finalScore - spec.initialScore) * progress + random.normal() * spec.noise;
    return { step, value: round(value) };
  });
}

/** Training loss: exponential decay towards a floor; validation loss is U-shaped when the run overfits. */
export function lossCurves(spec: TrainingCurveSpec, random: Random): { train: CurvePoint[]; validation: CurvePoint[] } {
  const floor = Math.max(0.02, 1 - spec.finalScore) * 0.6;
  const start = 0.69;
  const train: CurvePoint[] = [];
  const validation: CurvePoint[] = [];
  for (let step = 0; step < spec.steps; step++) {
    const decay = Math.exp(-step / spec.timeConstant);
    const trainLoss = floor * 0.8 + (start - floor * 0.8) * decay + random.normal() * spec.noise * 0.5;
    const late = Math.max(0, step / spec.steps - 0.5);
    const validationLoss = floor + (start - floor) * decay + spec.overfit * late * late + random.normal() * spec.noise;
    train.push({ step, value: round(Math.max(0.001, trainLoss)) });
    validation.push({ step, value: round(Math.max(0.001, validationLoss)) });
  }
  return { train, validation };
}

function round(value: number) {
  return Math.round(value * 1e6) / 1e6;
}
