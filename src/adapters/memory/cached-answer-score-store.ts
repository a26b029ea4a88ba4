import type { AnswerScoreStore } from '../../core/agents/agent-ports.js';
import type { AnswerScore } from '../../core/routing/answer-score.js';

/**
 * Answer scores in memory, written through to the shared store: performance-weighted
 * routing reads every candidate's score on every call. Loaded at start-up, so the
 * scores survive a restart; another instance's updates arrive with the next load.
 */
export class CachedAnswerScoreStore implements AnswerScoreStore {
  private readonly memory = new Map<string, AnswerScore>();

  constructor(private readonly shared: AnswerScoreStore) {}

  async load(extensions: readonly string[]): Promise<void> {
    for (const [e, score] of await this.shared.read(extensions)) this.memory.set(e, score);
  }

  async read(extensions: readonly string[]): Promise<Map<string, AnswerScore>> {
    const out = new Map<string, AnswerScore>();
    for (const e of extensions) {
      const score = this.memory.get(e);
      if (score) out.set(e, score);
    }
    return out;
  }

  write(extension: string, score: AnswerScore): Promise<void> {
    this.memory.set(extension, score);
    return this.shared.write(extension, score);
  }
}
