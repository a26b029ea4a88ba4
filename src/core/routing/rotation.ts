/**
 * The foundation's distribution: ring the available managers one after another,
 * starting from a different one on every call so the first ring is shared fairly.
 */
export function rotateManagers(
  managers: readonly string[],
  isAvailable: (extension: string) => boolean,
  callSequence: number,
): string[] {
  if (managers.length === 0) return [];
  const start = ((callSequence % managers.length) + managers.length) % managers.length;
  const ordered = [...managers.slice(start), ...managers.slice(0, start)];
  return ordered.filter(isAvailable);
}
