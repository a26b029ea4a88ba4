import { spawnSync } from 'node:child_process';
import { setPriority } from 'node:os';

export type PriorityResult = 'idle' | 'nice-19' | 'unchanged';

/**
 * Puts a process, every thread it has, and (by inheritance) every thread and child it
 * starts later (lame, ffmpeg) at the lowest CPU priority: SCHED_IDLE runs only when nothing
 * else wants the core, so conversions can never take time from routing. Where the
 * scheduler refuses it, nice 19 is the next best thing.
 */
export function lowestCpuPriority(pid: number): PriorityResult {
  const chrt = spawnSync('chrt', ['--idle', '--all-tasks', '-p', '0', String(pid)], { stdio: 'ignore' });
  if (chrt.status === 0) return 'idle';
  try {
    setPriority(pid, 19);
    return 'nice-19';
  } catch {
    return 'unchanged';
  }
}
