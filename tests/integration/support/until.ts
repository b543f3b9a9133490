/**
 * Polls `probe` every 100 ms until it returns something truthy, which it resolves to; throws after `timeoutMs`, naming
 * `what` (a function is asked at that moment, so the message can carry what a process printed meanwhile).
 */
export async function until<T>(
  what: string | (() => string),
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${typeof what === "string" ? what : what()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
