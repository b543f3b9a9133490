/** The largest PostgreSQL `integer` (int4): version numbers, steps and every other int column stop here. */
export const MAX_INT4 = 2_147_483_647;
/** The last page any list may ask for: beyond it the offset alone would scan millions of rows. */
export const MAX_PAGE = 1_000_000;
/** The largest request body the model runtime reads (413 beyond): every real-time call on the local runtime and on
 * the runtime image Kubernetes ONNX endpoints run. */
export const RUNTIME_MAX_BODY_BYTES = 16 * 1024 * 1024;
