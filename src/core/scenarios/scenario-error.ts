import { AppError } from '../errors/app-error.js';

/** One thing wrong with a dial plan file, located so an operator can go straight to it. */
export interface ScenarioProblem {
  file: string;
  /** 1-based; absent when the problem concerns the file as a whole. */
  line?: number;
  /** Dotted path in the YAML ("steps.1.group"), "(top)" for the whole document. */
  path: string;
  reason: string;
}

export function formatProblem(p: ScenarioProblem): string {
  return `${p.file}${p.line ? `:${p.line}` : ''}: ${p.path}: ${p.reason}`;
}

/** 422: the request (a dial plan edit) is understood but its content is wrong. */
export class ScenarioError extends AppError {
  constructor(readonly problems: readonly ScenarioProblem[]) {
    super('SCENARIO.INVALID', `The dial plan is invalid:\n  ${problems.map(formatProblem).join('\n  ')}`, 422);
  }
}
