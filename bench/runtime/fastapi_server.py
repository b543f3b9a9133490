"""FastAPI + uvicorn + scikit-learn serving the fraud model, for bench/runtime's side-by-side comparison.

Trains a scikit-learn GradientBoostingClassifier with the same hyper-parameters as Modelport's fraud-gbt (120 trees,
depth 4, learning rate 0.1, subsample 0.8) on the same synthetic training CSV, then serves POST /predict with the
runtime's request shape: {"row": {...}} or {"rows": [...]}.

Usage: python3 fastapi_server.py <training.csv> <port>
"""
import sys

import numpy as np
import uvicorn
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel
from sklearn.ensemble import GradientBoostingClassifier

csv_path, port = sys.argv[1], int(sys.argv[2])
with open(csv_path) as handle:
    header = handle.readline().strip().split(",")
data = np.loadtxt(csv_path, delimiter=",", skiprows=1)
features, target = header[:-1], header[-1]
model = GradientBoostingClassifier(n_estimators=120, max_depth=4, learning_rate=0.1, subsample=0.8, random_state=7)
model.fit(data[:, :-1], data[:, -1])
print(f"trained on {len(data)} rows of {csv_path} ({target})", flush=True)

app = FastAPI()


class PredictRequest(BaseModel):
    row: dict[str, float] | None = None
    rows: list[dict[str, float]] | None = None


@app.get("/healthz")
def healthz():
    return {"status": "ok"}


@app.post("/predict")
def predict(request: PredictRequest):
    rows = request.rows if request.rows is not None else [request.row] if request.row is not None else None
    if not rows:
        raise HTTPException(status_code=400, detail="Send row or rows")
    try:
        matrix = np.array([[row[name] for name in features] for row in rows], dtype=np.float32)
    except KeyError as missing:
        raise HTTPException(status_code=400, detail=f"missing field {missing}")
    probabilities = model.predict_proba(matrix)[:, 1]
    return {"predictions": [{"probability": float(p)} for p in probabilities]}


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
