/** Polls until the probe gives a value (a probe that throws counts as not yet), or fails naming what it waited for. */
export async function until<T>(what: string, probe: () => Promise<T | null | false>, timeoutMs = 60_000, seeLog = ''): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => null);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${seeLog ? ` (see ${seeLog})` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
