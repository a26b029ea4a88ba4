import { rotate } from './strategies.js';

/**
 * The foundation's distribution: ring the available managers one after another,
 * starting from a different one on every call so the first ring is shared fairly.
 * The rotation runs over all configured managers, so each keeps his turn while away.
 */
export function rotateManagers(
  managers: readonly string[],
  isAvailable: (extension: string) => boolean,
  callSequence: number,
): string[] {
  return rotate(managers, callSequence).filter(isAvailable);
}
