import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** A process's CPU so far from /proc/PID/stat, in seconds; `children*`: its exited children it waited for. */
export interface ProcessCpu {
  pgrp: number;
  user: number;
  system: number;
  childrenUser: number;
  childrenSystem: number;
}

/** Throws when the process is gone. */
export function processCpu(pid: number | 'self'): ProcessCpu {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // After "pid (comm) " the state is stat field 3, so field N is at index N - 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const seconds = (field: number) => Number(fields[field - 3]) / CLK_TCK;
  return { pgrp: Number(fields[5 - 3]), user: seconds(14), system: seconds(15), childrenUser: seconds(16), childrenSystem: seconds(17) };
}
