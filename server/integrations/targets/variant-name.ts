/** A variant named after its model version, e.g. "fraud-detector-xgb-v7": lower-case letters, digits and dashes. */
export function versionVariantName(modelName: string, version: number) {
  return `${modelName}-v${version}`
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .slice(0, 63);
}
